"""Every change of a contest's state goes through here."""

from datetime import datetime

from django.db import transaction

from .enums import ContestStatus
from .models import Contest

# Which states a contest may move to from each state.
TRANSITIONS: dict[str, frozenset[str]] = {
    ContestStatus.DRAFT: frozenset({ContestStatus.OPEN}),
    ContestStatus.OPEN: frozenset({ContestStatus.DRAFT, ContestStatus.CLOSED}),
    ContestStatus.CLOSED: frozenset({ContestStatus.OPEN, ContestStatus.JUDGING}),
    ContestStatus.JUDGING: frozenset({ContestStatus.ANNOUNCED}),
    ContestStatus.ANNOUNCED: frozenset(),
}


class IllegalTransition(Exception):
    def __init__(self, contest: Contest, to: str) -> None:
        super().__init__(f"Contest {contest.pk} cannot move from {contest.status} to {to}.")
        self.contest = contest
        self.to = to


@transaction.atomic
def change_contest_status(*, contest: Contest, to: ContestStatus) -> Contest:
    """Move a contest to another state, refusing moves the contest's life does not allow."""
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if to not in TRANSITIONS[locked.status]:
        raise IllegalTransition(locked, to)
    locked.status = to
    locked.save(update_fields=["status"])
    contest.status = to
    return locked


def close_contests_past_deadline(*, now: datetime) -> list[int]:
    """Close every open contest whose deadline has passed; return their ids."""
    closed = []
    for contest in Contest.objects.filter(status=ContestStatus.OPEN, closes_at__lte=now).only("pk", "status"):
        try:
            change_contest_status(contest=contest, to=ContestStatus.CLOSED)
        except IllegalTransition:
            continue  # Someone moved it meanwhile; their decision stands.
        closed.append(contest.pk)
    return closed
