"""One ballot per confirmed person per vote, whatever arrives at once: 50 threads on real PostgreSQL connections."""


import pytest
from django.utils import timezone

from tests.threads import together
from voting import services
from voting.models import Ballot

from .helpers import announced_contest, link_of, open_vote

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 50



def cast(link, number):
    return lambda: services.cast_ballot(link=link, address=services.Address.of(f"198.51.100.{number}"),
                                        now=timezone.now())


def test_fifty_links_of_one_person_confirmed_at_once_make_one_ballot():
    made = announced_contest()
    vote = open_vote(made)
    # Fifty links for one inbox (with +tags and capitals, still one person), for every choice, asked in turn.
    emails = [f"Voter+{i}@Example.org" if i % 2 else "voter@example.org" for i in range(THREADS)]
    links = [link_of(vote, entry=made.entries[i % 4], email=emails[i]) for i in range(THREADS)]

    outcomes = together(*[cast(link, i) for i, link in enumerate(links)], timeout=60)

    errors = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, services.VoteRefused)]
    assert not errors, errors
    created = [o for o in outcomes if isinstance(o, tuple) and o[1]]
    assert len(created) == 1
    assert Ballot.objects.filter(vote=vote).count() == 1
    ballot = Ballot.objects.get(vote=vote)
    # Whatever order they landed in, the ballot holds the choice of a link that was accepted.
    accepted = [o[0] for o in outcomes if isinstance(o, tuple)]
    assert ballot.entry_id in {b.entry_id for b in accepted}
    refused = [o for o in outcomes if isinstance(o, services.VoteRefused)]
    assert len(accepted) + len(refused) == THREADS
    assert all(error.status == 409 for error in refused)


def test_fifty_people_at_once_make_fifty_ballots():
    made = announced_contest()
    vote = open_vote(made)
    links = [link_of(vote, entry=made.entries[i % 4], email=f"person{i}@example.org") for i in range(THREADS)]

    outcomes = together(*[cast(link, i) for i, link in enumerate(links)], timeout=60)

    assert all(isinstance(o, tuple) and o[1] for o in outcomes), [o for o in outcomes if not isinstance(o, tuple)]
    assert Ballot.objects.filter(vote=vote).count() == THREADS
