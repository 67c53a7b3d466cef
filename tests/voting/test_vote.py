"""The people's-choice vote as visitors and organizers meet it: a vote by an emailed link, changed, refused from
throwaway inboxes and past the limits; the integrity page's bursts and voiding (audited); totals nobody sees
before they are published; the people's choice in the gallery; a voter's data in their download and erasure."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.services import delete_account, export_personal_data
from contest.models import AuditEvent
from submissions.models import Entry
from tests.factories import CategoryFactory, UserFactory
from tests.pages import text
from tests.results.helpers import judged_contest
from voting import services
from voting.models import Ballot

from .helpers import announced_contest, emailed_link, link_of, open_vote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the limits count in the cache: each test starts with none used


@pytest.fixture
def made():
    return announced_contest()


@pytest.fixture
def vote(made):
    return open_vote(made)


def ballot_url(vote) -> str:
    return reverse("voting:ballot", args=[vote.contest.slug, vote.pk])


def ask(client, vote, entry, email, **extra):
    return client.post(ballot_url(vote), {"entry": entry.pk, "email": email}, **extra)


def test_a_visitor_votes_by_the_emailed_link_and_changes_their_vote(client, made, vote):
    # The exhibition and the winners' gallery lead to the vote.
    for name in ("results:exhibition", "results:gallery"):
        assert ballot_url(vote) in client.get(reverse(name, args=[made.contest.slug])).content.decode()
    page = client.get(ballot_url(vote))
    assert page.status_code == 200
    for entry in made.entries:
        assert entry.title in text(page)

    answer = ask(client, vote, made.entries[1], "ana@example.org")
    assert answer.status_code == 200 and "Check your email" in text(answer)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]
    assert Ballot.objects.count() == 0  # nothing counts before the link is followed
    first = emailed_link()

    confirm = client.get(first)
    assert confirm.status_code == 200 and made.entries[1].title in text(confirm)
    assert Ballot.objects.count() == 0  # a mail scanner following the link casts nothing
    done = client.post(first, {"token": first.split("token=")[1]})
    assert done.status_code == 200 and "your vote is counted" in text(done)
    ballot = Ballot.objects.get()
    assert ballot.entry == made.entries[1] and ballot.email_domain == "example.org"
    assert "@" not in ballot.voter and len(ballot.voter) == 64  # a digest, not the address

    ask(client, vote, made.entries[2], "Ana+again@Example.org")  # the same inbox
    second = emailed_link()
    changed = client.post(second, {"token": second.split("token=")[1]})
    assert "now goes to" in text(changed)
    ballot = Ballot.objects.get()
    assert ballot.entry == made.entries[2] and ballot.changes == 1

    # The first link cannot undo the later choice, nor can the second be used twice.
    for used in (first, second):
        again = client.post(used, {"token": used.split("token=")[1]})
        assert again.status_code == 409 and "used already" in text(again)
    assert Ballot.objects.get().entry == made.entries[2]


def test_disposable_domains_are_refused_and_the_organizer_edits_the_list(client, made, vote):
    for address in ("someone@mailinator.com", "someone@eu.Mailinator.com", "x@yopmail.com"):
        answer = ask(client, vote, made.entries[0], address)
        assert answer.status_code == 400
        assert "are not accepted for this vote" in text(answer)
    assert not mail.outbox

    client.force_login(made.organizer)
    manage = client.get(reverse("voting:manage", args=[made.contest.slug]))
    assert "mailinator.com" in manage.content.decode()
    client.post(reverse("voting:domains", args=[made.contest.slug]),
                {"domains": "throwaway.example\nyopmail.com"})
    event = AuditEvent.objects.get(action="vote.domains_changed")
    assert event.after == {"refused_domains": ["throwaway.example", "yopmail.com"]}
    client.logout()

    assert ask(client, vote, made.entries[0], "a@throwaway.example").status_code == 400
    assert ask(client, vote, made.entries[0], "someone@mailinator.com").status_code == 200
    assert len(mail.outbox) == 1

    client.force_login(made.organizer)
    bad = client.post(reverse("voting:domains", args=[made.contest.slug]), {"domains": "not a domain"}, follow=True)
    assert "are not domain names" in text(bad)


def test_links_are_limited_per_address_per_hour(client, made, vote):
    answers = [ask(client, vote, made.entries[0], "busy@example.org").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # From one network, other addresses too: 30 asks an hour (the refused one counted).
    answers = [ask(client, vote, made.entries[0], f"p{i}@example.org").status_code for i in range(27)]
    assert answers == [200] * 26 + [429]
    assert len(mail.outbox) == 29


def test_a_burst_from_one_block_is_flagged_and_its_votes_listed(client, made, vote):
    now = timezone.now()
    for i in range(6):  # six inboxes, one /24, within three minutes
        link = link_of(vote, entry=made.entries[3], email=f"bot{i}@example.net")
        services.cast_ballot(link=link, address=services.Address.of(f"203.0.113.{10 + i}"),
                             now=now + timedelta(seconds=30 * i))
    for i in range(4):  # four people from four networks, spread out
        link = link_of(vote, entry=made.entries[0], email=f"fan{i}@example.com")
        services.cast_ballot(link=link, address=services.Address.of(f"192.0.2{i}.7"), now=now + timedelta(hours=i))
    link = link_of(vote, entry=made.entries[0], email="v6@example.com")
    services.cast_ballot(link=link, address=services.Address.of("2001:db8:abcd:12::1"), now=now)

    client.force_login(made.organizer)
    page = client.get(reverse("voting:integrity", args=[made.contest.slug, vote.pk]))
    assert page.status_code == 200
    bursts = page.content.decode().split('id="bursts-heading"')[1].split("</section>")[0]
    assert "203.0.113.0/24" in bursts and "6 votes within ten minutes" in bursts
    assert "192.0.2" not in bursts and "example.com" not in bursts
    assert "2001:db8:abcd::/48" in page.content.decode()  # IPv6 by its /48
    # The review list shows the burst's six votes, each with a form to void it.
    assert page.content.decode().count('name="reason"') == 6
    assert "203.0.113.10" not in page.content.decode()  # addresses are not kept, only their block
    one_block = client.get(reverse("voting:integrity", args=[made.contest.slug, vote.pk]),
                           {"block": "192.0.21.0/24"})
    assert "Votes from 192.0.21.0/24" in text(one_block)
    assert one_block.content.decode().count('name="reason"') == 1


def test_a_voided_vote_is_audited_and_no_longer_counted(client, made, vote):
    link = link_of(vote, entry=made.entries[0], email="x@example.org")
    ballot, _created = services.cast_ballot(link=link, address=services.Address.of("203.0.113.5"),
                                            now=timezone.now())
    client.force_login(made.organizer)
    url = reverse("voting:void", args=[made.contest.slug, vote.pk, ballot.pk])

    refused = client.post(url, {"reason": "  "}, follow=True)
    assert "Give the reason" in text(refused)
    assert Ballot.objects.get().voided_at is None

    done = client.post(url, {"reason": "One of 40 votes from one block in a minute."}, follow=True)
    assert "The vote is voided" in text(done)
    ballot.refresh_from_db()
    assert ballot.voided_at and ballot.voided_by == made.organizer
    event = AuditEvent.objects.get(action="vote.ballot_voided")
    assert event.actor_id == made.organizer.pk and event.object_id == str(ballot.pk)
    assert event.after["void_reason"] == "One of 40 votes from one block in a minute."
    assert event.before["voided_at"] is None

    # A voided voter cannot vote again with the same address.
    again = link_of(vote, entry=made.entries[1], email="x@example.org")
    with pytest.raises(services.VoteRefused, match="voided"):
        services.cast_ballot(link=again, address=services.Address.of("203.0.113.5"), now=timezone.now())

    services.close_vote(vote=vote, by=made.organizer, now=timezone.now())
    services.publish_totals(vote=vote, by=made.organizer, now=timezone.now())
    totals = client.get(reverse("voting:totals", args=[made.contest.slug, vote.pk]))
    assert "0 votes counted" in text(totals)


def test_totals_are_a_404_for_everyone_until_published(client, made, vote):
    for i, entry in enumerate((made.entries[2], made.entries[2], made.entries[0])):
        services.cast_ballot(link=link_of(vote, entry=entry, email=f"v{i}@example.org"),
                             address=services.Address.of("198.51.100.1"), now=timezone.now())
    url = reverse("voting:totals", args=[made.contest.slug, vote.pk])
    staff = UserFactory(is_staff=True)
    for person in (None, made.organizer, staff, made.judges[0], made.entries[2].entrant):
        client.logout()
        if person:
            client.force_login(person)
        assert client.get(url).status_code == 404, person
        gallery = client.get(reverse("results:gallery", args=[made.contest.slug]))
        assert "votes" not in text(gallery).split("People's choice", 1)[-1].split("How ties")[0]

    client.force_login(made.organizer)
    assert client.post(reverse("voting:publish", args=[made.contest.slug, vote.pk]), follow=True).status_code == 200
    assert client.get(url).status_code == 404  # still open: close it first
    client.post(reverse("voting:close", args=[made.contest.slug, vote.pk]))
    assert client.get(url).status_code == 404  # closed, not published
    client.post(reverse("voting:publish", args=[made.contest.slug, vote.pk]))

    client.logout()
    totals = client.get(url)
    assert totals.status_code == 200
    assert text(totals).index(made.entries[2].title) < text(totals).index(made.entries[0].title)
    assert "2 votes" in text(totals) and "3 votes counted" in text(totals)
    gallery = text(client.get(reverse("results:gallery", args=[made.contest.slug])))
    peoples = gallery.split("People's choice", 1)[1]
    assert made.entries[2].title in peoples and "2 votes" in peoples
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="vote.").order_by("sequence")] == [
        "vote.opened", "vote.closed", "vote.published"]


def test_no_vote_before_the_announcement_and_bad_input_is_a_clear_4xx(client, made, vote):
    bad = client.get(reverse("voting:confirm", args=[made.contest.slug]) + "?token=not-a-token")
    assert bad.status_code == 404 and "not valid" in text(bad)
    outsider = UserFactory()
    answer = client.post(ballot_url(vote), {"entry": 999999, "email": "a@example.org"})
    assert answer.status_code == 400 and "Choose one of the works listed" in text(answer)
    assert client.post(ballot_url(vote), {"entry": made.entries[0].pk, "email": "nope"}).status_code == 400
    with pytest.raises(services.VoteRefused, match="Only the contest's organizers"):
        services.close_vote(vote=vote, by=outsider, now=timezone.now())
    client.force_login(outsider)
    assert client.get(reverse("voting:integrity", args=[made.contest.slug, vote.pk])).status_code == 404
    assert client.post(reverse("voting:close", args=[made.contest.slug, vote.pk])).status_code == 404


def test_before_the_announcement_the_vote_is_a_404(client):
    made = judged_contest(steps=["normalised_mean"])
    vote = open_vote(made)
    assert client.get(ballot_url(vote)).status_code == 404
    client.force_login(made.organizer)
    assert client.get(reverse("voting:manage", args=[made.contest.slug])).status_code == 200


def test_a_voters_ballot_is_in_their_download_and_gone_with_their_account(made, vote):
    person = UserFactory(email="voter@example.org")
    EmailAddress.objects.create(user=person, email="voter@example.org", verified=True, primary=True)
    services.cast_ballot(link=link_of(vote, entry=made.entries[1], email="Voter+x@example.org"),
                         address=services.Address.of("198.51.100.9"), now=timezone.now())
    services.cast_ballot(link=link_of(vote, entry=made.entries[0], email="someone.else@example.org"),
                         address=services.Address.of("198.51.100.9"), now=timezone.now())

    download = io.BytesIO()
    export_personal_data(user=person, into=download)
    data = json.loads(zipfile.ZipFile(download).read("voting/data.json"))
    assert [row["entry"] for row in data["ballots"]] == [made.entries[1].reference]
    assert data["ballots"][0]["network_block"] == "198.51.100.0/24"

    delete_account(user=person, now=timezone.now())
    assert list(Ballot.objects.values_list("entry", flat=True)) == [made.entries[0].pk]


def test_the_organizer_opens_a_vote_in_the_contests_time_and_it_is_audited(client, made):
    client.force_login(made.organizer)
    url = reverse("voting:open", args=[made.contest.slug])
    zone = made.contest.zone
    today = timezone.now().astimezone(zone)
    opens, closes = today - timedelta(hours=1), today + timedelta(days=3)
    form = {"category": "", "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M")}

    done = client.post(url, form, follow=True)
    assert "The vote is set" in text(done)
    vote = made.contest.votes.get()
    assert vote.opens_at == opens.replace(second=0, microsecond=0) and vote.category is None
    event = AuditEvent.objects.get(action="vote.opened")
    assert event.actor_id == made.organizer.pk and event.after["state"] == "open"

    again = client.post(url, form, follow=True)
    assert "There is already a vote for this scope" in text(again)
    category = made.entries[0].category
    backwards = client.post(url, {**form, "category": category.pk, "closes_at": form["opens_at"]}, follow=True)
    assert "must close after it opens" in text(backwards)
    nonsense = client.post(url, {**form, "opens_at": "soon"}, follow=True)
    assert "Give the date and time as" in text(nonsense)
    assert made.contest.votes.count() == 1
    # The manage page offers to close an open vote, not to publish its totals before it has closed.
    page = client.get(reverse("voting:manage", args=[made.contest.slug])).content.decode()
    assert "Close the vote now" in page and "Publish the totals" not in page


def test_a_category_vote_offers_only_that_categorys_shortlist(client, made):
    other = CategoryFactory(contest=made.contest, title="Photo")
    Entry.objects.filter(pk__in=[made.entries[0].pk, made.entries[3].pk]).update(category=other)
    now = timezone.now()
    vote = services.open_vote(contest=made.contest, category=other, opens_at=now, closes_at=now + timedelta(days=1),
                              by=made.organizer, now=now)
    page = text(client.get(ballot_url(vote)))
    assert made.entries[0].title in page and made.entries[3].title in page
    assert made.entries[1].title not in page and made.entries[2].title not in page
    refused = ask(client, vote, made.entries[1], "a@example.org")
    assert refused.status_code == 400 and "Choose one of the works listed" in text(refused)


def test_a_link_followed_after_the_close_is_refused(client, made, vote):
    ask(client, vote, made.entries[0], "late@example.org")
    link = emailed_link()
    services.close_vote(vote=vote, by=made.organizer, now=timezone.now())
    late = client.post(link, {"token": link.split("token=")[1]})
    assert late.status_code == 403 and "The vote has closed" in text(late)
    assert not Ballot.objects.exists()
    page = client.get(ballot_url(vote))
    assert "The vote has closed" in text(page) and 'name="email"' not in page.content.decode()
