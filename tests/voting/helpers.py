"""An announced contest with its exhibition of four shortlisted entries, and a people's-choice vote on it."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.core import mail
from django.utils import timezone

from results import services as results
from tests.judging.factories import Jury
from tests.results.helpers import award_and_verify, judged_contest
from voting import services
from voting.models import Vote


def announced_contest() -> Jury:
    made = judged_contest(steps=["normalised_mean"])
    award_and_verify(made)
    now = timezone.now()
    results.schedule_announcement(contest=made.contest, at=now + timedelta(seconds=1), by=made.organizer, now=now)
    results.announce(contest_id=made.contest.pk, now=now + timedelta(seconds=1))
    made.contest.refresh_from_db()
    return made


def open_vote(made: Jury, *, hours: int = 48) -> Vote:
    now = timezone.now()
    return services.open_vote(contest=made.contest, category=None, opens_at=now - timedelta(minutes=5),
                              closes_at=now + timedelta(hours=hours), by=made.organizer, now=now)


def link_of(vote: Vote, *, entry, email: str, now=None):
    token = services.ballot_link(vote=vote, entry_id=entry.pk, email=email, now=now or timezone.now())
    return services.read_link(token, now=timezone.now())


def emailed_link() -> str:
    """The confirmation link of the last email sent (path and query)."""
    body = mail.outbox[-1].body
    url = next(word for word in body.split() if "/vote/confirm/" in word)
    parts = urlsplit(url)
    assert parse_qs(parts.query)["token"]
    return f"{parts.path}?{parts.query}"
