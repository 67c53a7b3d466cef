"""Every change of a contest's state goes through here, and each writes its audit event."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import audit
from .enums import ContestAuditAction, ContestStatus
from .models import Contest

# Which states a contest may move to from each state.
TRANSITIONS: dict[str, frozenset[str]] = {
    ContestStatus.DRAFT: frozenset({ContestStatus.OPEN}),
    ContestStatus.OPEN: frozenset({ContestStatus.DRAFT, ContestStatus.CLOSED}),
    ContestStatus.CLOSED: frozenset({ContestStatus.OPEN, ContestStatus.JUDGING}),
    ContestStatus.JUDGING: frozenset({ContestStatus.ANNOUNCED}),
    ContestStatus.ANNOUNCED: frozenset({ContestStatus.ARCHIVED}),
    ContestStatus.ARCHIVED: frozenset(),
}


class IllegalTransition(Exception):
    def __init__(self, contest: Contest, to: str) -> None:
        super().__init__(f"Contest {contest.pk} cannot move from {contest.status} to {to}.")
        self.contest = contest
        self.to = to


@transaction.atomic
def change_contest_status(*, contest: Contest, to: ContestStatus, by=None, now: datetime | None = None) -> Contest:
    """Move a contest to another state, refusing moves the contest's life does not allow; `by` is None for the
    site's own moves (the deadline passing, a scheduled announcement)."""
    now = now or timezone.now()
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if to not in TRANSITIONS[locked.status]:
        raise IllegalTransition(locked, to)
    before = audit.snapshot(locked, ("status", "closed_at"))
    locked.status = to
    if to == ContestStatus.CLOSED:
        locked.closed_at = now
    elif to == ContestStatus.OPEN:
        locked.closed_at = None
    locked.save(update_fields=["status", "closed_at"])
    audit.record(
        action=ContestAuditAction(f"contest.{to}"),
        obj=locked,
        actor=by,
        contest=locked,
        before=before,
        after=audit.snapshot(locked, ("status", "closed_at")),
        at=now,
    )
    contest.status, contest.closed_at = locked.status, locked.closed_at
    return locked


def close_contests_past_deadline(*, now: datetime) -> list[int]:
    """Close every open contest whose deadline has passed; return their ids."""
    closed = []
    for contest in Contest.objects.filter(status=ContestStatus.OPEN, closes_at__lte=now).only("pk", "status"):
        try:
            change_contest_status(contest=contest, to=ContestStatus.CLOSED, now=now)
        except IllegalTransition:
            continue  # Someone moved it meanwhile; their decision stands.
        closed.append(contest.pk)
    return closed
