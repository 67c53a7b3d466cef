"""What is open when: entries, uploads (with their grace period), scores and results, for a contest and a moment.

Pure functions of the contest (or round) and the time, like `eligibility.py`:
nothing here reads the database, so the rules can be read and tested alone.
Every other module asks these functions; none compares a time with a
deadline itself. Each answer is a `Verdict`: true when allowed, and when not,
the sentence that says why, in the active language.

Closing early: an organizer may close a contest before its deadline
(`status` leaves `open` and `closed_at` is before `closes_at`). From then on
nothing is taken, not even an upload already under way: the grace period
belongs to the deadline, not to an organizer's decision.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .enums import ContestStatus

# States in which the contest is past taking entries but its grace period may still run.
_GRACE_STATES = (ContestStatus.OPEN, ContestStatus.CLOSED)


@dataclass(frozen=True)
class Verdict:
    """Whether something is allowed; if not, why, in words the person can act on."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


def refused(reason: str) -> Verdict:
    return Verdict(False, reason)


def deadline_in_words(contest, *, viewer_zone: str | None = None) -> str:
    """The deadline as the contest's zone (or the viewer's) writes it, with the zone named."""
    zone = viewer_zone or contest.time_zone
    local = contest.closes_at.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone})"


def archived(contest) -> bool:
    """An archived contest is read-only: nothing about it changes any more."""
    return contest.status == ContestStatus.ARCHIVED


def closed_early(contest) -> bool:
    """Closed by an organizer before its deadline (and not opened again)."""
    return (
        contest.status != ContestStatus.OPEN
        and contest.closed_at is not None
        and contest.closed_at < contest.closes_at
    )


def before_deadline(contest, now: datetime) -> bool:
    """Open, and its deadline still ahead: listed as current, even before it opens."""
    return contest.status == ContestStatus.OPEN and now < contest.closes_at


def opens_later(contest, now: datetime) -> bool:
    """Published, and its opening time still ahead."""
    return contest.status == ContestStatus.OPEN and now < contest.opens_at


def entries_open(contest, now: datetime) -> Verdict:
    """Registering, creating and changing entries, co-creators and release forms, and new uploads."""
    if archived(contest):
        return refused(_("This contest is archived: nothing in it can change any more."))
    if contest.status == ContestStatus.DRAFT or now < contest.opens_at:
        return refused(
            _("This contest takes entries from %(opening)s.")
            % {"opening": date_format(contest.opens_at.astimezone(zoneinfo.ZoneInfo(contest.time_zone)),
                                      "DATETIME_FORMAT")}
        )
    if closed_early(contest) or (contest.status != ContestStatus.OPEN and now < contest.closes_at):
        return refused(_("The organizers have closed this contest to entries."))
    if now >= contest.closes_at:
        return refused(
            _("The deadline has passed: entries closed on %(deadline)s.") % {"deadline": deadline_in_words(contest)}
        )
    return ALLOWED


def in_grace(contest, now: datetime, *, started_at: datetime | None) -> bool:
    """Past the deadline, within the grace period, for a file whose upload started before the deadline."""
    return (
        started_at is not None
        and started_at < contest.closes_at <= now < contest.uploads_close_at
        and contest.status in _GRACE_STATES
        and not closed_early(contest)
    )


def uploads_open(contest, now: datetime, *, started_at: datetime | None = None) -> Verdict:
    """A new upload (`started_at` None) while entries are open; one already under way (`started_at`, when its
    first byte was asked for) also during the grace period after the deadline."""
    verdict = entries_open(contest, now)
    if verdict or in_grace(contest, now, started_at=started_at):
        return ALLOWED
    if now >= contest.closes_at and not closed_early(contest) and not archived(contest):
        if started_at is None:
            return refused(_("The deadline has passed: no new upload can start."))
        return refused(_("The deadline, and its grace period for uploads already under way, has passed."))
    return verdict


def submissions_open(contest, now: datetime, *, file_started_at: datetime | None) -> Verdict:
    """Submitting: while entries are open, or in the grace period when the entry's file started in time."""
    if in_grace(contest, now, started_at=file_started_at):
        return ALLOWED
    return entries_open(contest, now)


def scores_open(round_, now: datetime) -> Verdict:
    """A judge's score may be saved: the round is open, within its times, and its contest is not archived."""
    if archived(round_.contest):
        return refused(_("This contest is archived: nothing in it can change any more."))
    if round_.opens_at and now < round_.opens_at:
        return refused(_("The round “%(round)s” has not opened yet.") % {"round": round_.name})
    # "open" is judging's RoundState.OPEN: the contest app does not import the apps above it.
    if round_.state != "open" or (round_.closes_at and now >= round_.closes_at):
        return refused(
            _("The round “%(round)s” is closed to scores. Your text was not saved; copy it if you need it, "
              "and ask the organizers.") % {"round": round_.name}
        )
    return ALLOWED


def results_visible(contest) -> bool:
    """Results, the gallery, the exhibition and certificates exist for the public once announced."""
    return contest.status in (ContestStatus.ANNOUNCED, ContestStatus.ARCHIVED)


def vote_open(vote, now: datetime) -> Verdict:
    """A people's-choice vote takes votes (and changes of vote): opened, within its times, results announced.

    `vote` is the voting app's Vote; "open" is its VoteState.OPEN (the contest app imports no app above it).
    """
    if archived(vote.contest):
        return refused(_("This contest is archived: nothing in it can change any more."))
    if not results_visible(vote.contest):
        return refused(_("The vote opens with the exhibition, once the results are announced."))
    if vote.state != "open" or vote_time_over(vote, now):
        return refused(_("The vote has closed: votes can no longer be cast or changed."))
    if now < vote.opens_at:
        return refused(_("The vote has not opened yet."))
    return ALLOWED


def vote_time_over(vote, now: datetime) -> bool:
    """A people's-choice vote's closing time has passed (whether or not an organizer closed it)."""
    return now >= vote.closes_at


def vote_under_way(vote, now: datetime) -> bool:
    """Between a people's-choice vote's opening and closing times."""
    return vote.opens_at <= now < vote.closes_at
