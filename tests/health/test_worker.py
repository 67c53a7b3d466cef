"""A real, separate Celery worker process takes a task off the broker and changes the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contest.enums import ContestStatus
from contest.models import Contest
from contest.tasks import close_contests_past_deadline
from tests.conftest import wait_until
from tests.factories import ContestFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_closes_a_contest_past_its_deadline(celery_worker):
    now = timezone.now()
    contest = ContestFactory(opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=1))

    close_contests_past_deadline.delay()

    wait_until(
        lambda: Contest.objects.get(pk=contest.pk).status == ContestStatus.CLOSED,
        timeout=30,
        message="the worker to close the contest",
    )
    assert celery_worker.poll() is None, "the worker should still be running"
