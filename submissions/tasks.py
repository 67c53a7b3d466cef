"""Thin Celery tasks: upload housekeeping, running one processing job by its id, and the job sweeper."""

from celery import shared_task
from django.utils import timezone

from . import uploads
from .media import jobs


@shared_task
def remove_idle_uploads() -> int:
    return uploads.remove_idle_uploads(now=timezone.now())


# Two names for one job runner, so settings route them: short work to `default`, long to `media`.
# acks_late + reject_on_worker_lost: a message is acknowledged only once the job's row says how it ended.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_short_job(job_id: int) -> str | None:
    return jobs.run_job(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_long_job(job_id: int) -> str | None:
    return jobs.run_job(job_id=job_id)


@shared_task
def sweep_jobs() -> dict[str, int]:
    return jobs.sweep(now=timezone.now())
