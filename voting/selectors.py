"""Reads for the vote's pages: the choices (the exhibition's shortlist), the totals, the integrity figures."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from contest import deadlines
from contest.models import Contest
from results import selectors as results
from results.views.public import EXHIBITION_SPECS
from submissions.models import Entry, Rendition

from .enums import VoteState
from .models import Ballot, Vote

# The pictures a choice may show: the exhibition's own, served by its picture view.
PICTURE_SPECS = EXHIBITION_SPECS
# A burst: this many ballots or more from one network block, or one email domain, within the window.
BURST_SIZE = 5
BURST_WINDOW = timedelta(minutes=10)
# An hour is flagged too when it has this many ballots and this many times the vote's median hour.
BUSY_HOUR_SIZE = 20
BUSY_HOUR_FACTOR = 4


@dataclass(frozen=True)
class Choice:
    entry: Entry
    picture: Rendition | None


def choice_rows(*, vote: Vote) -> list[Choice]:
    """The shortlisted entries of the vote's scope, in the exhibition's order, each with its picture."""
    rows = []
    for _standing, entry, asset in results.exhibition(contest=vote.contest):
        if vote.category_id is not None and entry.category_id != vote.category_id:
            continue
        pictures = {r.spec: r for r in asset.renditions.all()} if asset else {}
        rows.append(Choice(entry=entry, picture=next((pictures[s] for s in PICTURE_SPECS if s in pictures), None)))
    return rows


def choices(*, vote: Vote) -> list[Entry]:
    return [row.entry for row in choice_rows(vote=vote)]


def votes_of(contest: Contest) -> list[Vote]:
    return list(Vote.objects.filter(contest=contest).select_related("category").annotate(
        counted=Count("ballots", filter=Q(ballots__voided_at__isnull=True)),
        voided=Count("ballots", filter=Q(ballots__voided_at__isnull=False)),
    ))


def totals(*, vote: Vote) -> list[tuple[Entry, int]]:
    """Every choice with its ballots (voided ones left out), most first; level entries in the exhibition's order."""
    counts = dict(Ballot.objects.filter(vote=vote, voided_at__isnull=True).values_list("entry")
                  .annotate(n=Count("pk")).order_by())
    entries = choices(vote=vote)
    order = {entry.pk: index for index, entry in enumerate(entries)}
    return sorted(((entry, counts.get(entry.pk, 0)) for entry in entries),
                  key=lambda pair: (-pair[1], order[pair[0].pk]))


def peoples_choice(*, contest: Contest, now: datetime | None = None) -> dict | None:
    """For the winners' gallery: the votes taking ballots now, and each published vote's winner (all of them when
    level); None when there is neither."""
    now = now or timezone.now()
    votes = list(Vote.objects.filter(contest=contest).exclude(state=VoteState.CLOSED).select_related("contest",
                                                                                                  "category"))
    open_now = [vote for vote in votes if deadlines.vote_open(vote, now)]
    rows = []
    for vote in votes:
        if vote.state != VoteState.PUBLISHED:
            continue
        ranked = totals(vote=vote)
        top = ranked[0][1] if ranked else 0
        rows.append({"vote": vote, "winners": [row for row in ranked if row[1] == top and top > 0],
                     "counted": sum(n for _entry, n in ranked)})
    if not open_now and not rows:
        return None
    return {"contest": contest, "open": open_now, "peoples_choice": rows}


# --- Integrity -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Burst:
    kind: str  # "block" or "domain"
    value: str
    starts_at: datetime
    ballots: int


def _bursts(kind: str, times_by_value: dict[str, list[datetime]]) -> list[Burst]:
    """The busiest window of each value that holds BURST_SIZE ballots or more within BURST_WINDOW."""
    found = []
    for value, times in times_by_value.items():
        times.sort()
        best, start, first = 0, 0, None
        for end, at in enumerate(times):
            while at - times[start] > BURST_WINDOW:
                start += 1
            if end - start + 1 > best:
                best, first = end - start + 1, times[start]
        if best >= BURST_SIZE:
            found.append(Burst(kind=kind, value=value, starts_at=first, ballots=best))
    return sorted(found, key=lambda burst: -burst.ballots)


@dataclass
class Integrity:
    hours: list[tuple[datetime, int, bool]]  # hour (contest's zone), ballots, flagged
    blocks: list[tuple[str, int]]
    domains: list[tuple[str, int]]
    countries: list[tuple[str, int]]
    bursts: list[Burst]
    counted: int
    voided: int


def integrity(*, vote: Vote, top: int = 50) -> Integrity:
    """Ballots by hour, network block, email domain and country (voided ones included), and the bursts."""
    ballots = Ballot.objects.filter(vote=vote)
    hours = list(ballots.annotate(hour=TruncHour("cast_at", tzinfo=vote.contest.zone)).values_list("hour")
                 .annotate(n=Count("pk")).order_by("hour"))
    sizes = sorted(n for _hour, n in hours)
    median = sizes[len(sizes) // 2] if sizes else 0
    flagged_hours = [(hour, n, n >= BUSY_HOUR_SIZE and n >= BUSY_HOUR_FACTOR * median and len(sizes) > 2)
                     for hour, n in hours]

    def grouped(field: str) -> list[tuple[str, int]]:
        return list(ballots.values_list(field).annotate(n=Count("pk")).order_by("-n", field)[:top])

    by_block, by_domain = defaultdict(list), defaultdict(list)
    for block, domain, at in ballots.values_list("address_block", "email_domain", "cast_at").iterator():
        if block:
            by_block[block].append(at)
        by_domain[domain].append(at)
    voided = ballots.filter(voided_at__isnull=False).count()
    return Integrity(
        hours=flagged_hours,
        blocks=grouped("address_block"),
        domains=grouped("email_domain"),
        countries=grouped("country"),
        bursts=_bursts("block", by_block) + _bursts("domain", by_domain),
        counted=sum(n for _hour, n in hours) - voided,
        voided=voided,
    )


def ballots_for_review(*, vote: Vote, bursts: list[Burst], block: str = "", domain: str = "",
                       limit: int = 200) -> list[Ballot]:
    """The ballots an organizer looks at: one block's or one domain's, else those of the bursts, newest first."""
    ballots = Ballot.objects.filter(vote=vote).select_related("entry").order_by("-cast_at", "-pk")
    if block:
        return list(ballots.filter(address_block=block)[:limit])
    if domain:
        return list(ballots.filter(email_domain=domain)[:limit])
    blocks = [b.value for b in bursts if b.kind == "block"]
    domains = [b.value for b in bursts if b.kind == "domain"]
    return list(ballots.filter(Q(address_block__in=blocks) | Q(email_domain__in=domains))[:limit])

