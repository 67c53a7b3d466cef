"""Thin Celery tasks: upload housekeeping, running one processing job by its id, the job sweeper and its daily check."""

import logging

from celery import shared_task
from celery.exceptions import Reject
from celery.signals import worker_ready
from django.utils import timezone

from . import storage_check, uploads
from .media import jobs, messages, sweeper

logger = logging.getLogger(__name__)


@shared_task
def remove_idle_uploads() -> int:
    return uploads.remove_idle_uploads(now=timezone.now())


def _run(job_id: int) -> str | None:
    messages.mark_received(job_id)
    try:
        return jobs.run_job(job_id=job_id)
    except jobs.DatabaseAway:
        # Still no database after a long wait: the message goes back on its queue, noted as there again.
        messages.mark_sent([job_id])
        raise Reject("the database is away", requeue=True) from None


# Two names for one job runner, so settings route them: short work to `default`, long to `media`.
# acks_late + reject_on_worker_lost: a message is acknowledged only once the job's row says how it ended.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_short_job(job_id: int) -> str | None:
    return _run(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_long_job(job_id: int) -> str | None:
    return _run(job_id)


@shared_task
def sweep_jobs() -> dict[str, int]:
    return sweeper.sweep(now=timezone.now())


@shared_task
def report_unfinished_jobs() -> int:
    return sweeper.report_unfinished(now=timezone.now())


@worker_ready.connect
def remove_scratch_left_behind(**_signal) -> None:
    """A worker starting on a machine where another was killed clears that one's scratch folders."""
    try:
        jobs.remove_leftovers(now=timezone.now())
    except Exception:  # the worker must start even when the database is not reachable yet
        logger.exception("could not clear the scratch folders stopped workers left")


@shared_task
def check_storage() -> int:
    """Nightly: objects no row names, rows whose object is missing (see storage_check.py)."""
    return storage_check.check(now=timezone.now()).orphans
