from datetime import timedelta

import pytest
from django.utils import timezone

from contest.enums import ContestStatus
from contest.services import IllegalTransition, change_contest_status, close_contests_past_deadline
from tests.factories import ContestFactory

pytestmark = pytest.mark.django_db


def test_an_announced_contest_cannot_be_reopened():
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    with pytest.raises(IllegalTransition):
        change_contest_status(contest=contest, to=ContestStatus.OPEN)
    contest.refresh_from_db()
    assert contest.status == ContestStatus.ANNOUNCED


def test_a_closed_contest_moves_on_to_judging():
    contest = ContestFactory(status=ContestStatus.CLOSED)
    change_contest_status(contest=contest, to=ContestStatus.JUDGING)
    contest.refresh_from_db()
    assert contest.status == ContestStatus.JUDGING


def test_only_open_contests_past_their_deadline_are_closed():
    now = timezone.now()
    due = ContestFactory(closes_at=now - timedelta(seconds=1), opens_at=now - timedelta(days=9))
    running = ContestFactory(closes_at=now + timedelta(minutes=1))
    draft = ContestFactory(
        status=ContestStatus.DRAFT, closes_at=now - timedelta(days=1), opens_at=now - timedelta(days=9)
    )

    assert close_contests_past_deadline(now=now) == [due.pk]

    statuses = {c.pk: c.status for c in type(due).objects.all()}
    assert statuses == {due.pk: ContestStatus.CLOSED, running.pk: ContestStatus.OPEN, draft.pk: ContestStatus.DRAFT}
