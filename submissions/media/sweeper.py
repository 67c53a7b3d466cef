"""The sweeper (beat, every minute): re-sends jobs whose worker died or whose message was lost, and ends every row.

Messages are lost when Redis restarts without its data, or when the broker
was away at the moment a job was sent. A queued job whose mark on the broker
is gone (messages.py) is sent again a short while after it was sent; a long
queue that is merely slow keeps its marks and is not flooded with duplicates.
A duplicate is harmless anyway: the job's row is checked before any work.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from ..enums import JobKind, JobStatus
from ..models import MediaAsset, ProcessingJob, Rendition, of_current_file
from . import jobs, messages

logger = logging.getLogger(__name__)

UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


def sweep(*, now: datetime) -> dict[str, int]:
    """Re-send jobs whose worker died (no heartbeat, or past the time limit) or whose message was lost."""
    stale = now - timedelta(seconds=settings.MEDIA_JOB_STALE_SECONDS)
    past_limit = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + settings.MEDIA_JOB_STALE_SECONDS)
    counts = {"running": 0, "queued": 0, "files": 0, "gave_up": 0}
    counts["cancelled"] = cancel_jobs_of_gone_files(now=now)
    with transaction.atomic():
        dead = (
            ProcessingJob.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=JobStatus.RUNNING)
            .filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True) | Q(started_at__lt=past_limit))
            .select_related("asset__entry__entrant")
        )
        resend = []
        for job in dead:
            if job.attempts >= settings.MEDIA_JOB_MAX_ATTEMPTS:
                jobs._give_up(job)
                counts["gave_up"] += 1
                continue
            job.status, job.error_code = JobStatus.QUEUED, "worker_lost"
            job.save(update_fields=["status", "error_code"])
            resend.append(job)
        counts["running"] = len(resend)
        lost = list(
            ProcessingJob.objects.select_for_update(skip_locked=True)
            .filter(pk__in=lost_messages(now=now), status=JobStatus.QUEUED)
            .exclude(pk__in=[job.pk for job in resend])
        )
        counts["queued"] = len(lost)
        jobs._send_after_commit(resend + lost)
    if counts["queued"]:
        logger.warning("sent %s queued jobs again: their messages were lost", counts["queued"])
    # Files whose jobs were never created (the process died right after the upload's commit).
    orphans = MediaAsset.objects.current().filter(created_at__lt=stale, jobs__isnull=True)
    for asset_id in orphans.exclude(file="").values_list("pk", flat=True):
        jobs.start_processing(asset_id=asset_id)
        counts["files"] += 1
    counts["removed"] = remove_replaced_renditions()
    _forget_marks_of_ended_jobs()
    return counts


def lost_messages(*, now: datetime) -> list[int]:
    """Queued jobs that are due and have no message waiting for them.

    Never sent (the broker was away), or sent a while ago and unmarked on the
    broker (Redis restarted empty), or sent so long ago that whatever the
    broker says, something is wrong (the last resort where the broker cannot
    be asked).
    """
    grace = now - timedelta(seconds=settings.MEDIA_JOB_RESEND_AFTER_SECONDS)
    long_ago = now - timedelta(seconds=settings.MEDIA_JOB_QUEUED_STALE_SECONDS)
    probe_done = ProcessingJob.objects.filter(asset=OuterRef("asset"), kind=JobKind.PROBE, status=JobStatus.DONE)
    due = list(
        ProcessingJob.objects.filter(of_current_file(), status=JobStatus.QUEUED)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=grace))
        .filter(Q(kind=JobKind.PROBE) | Exists(probe_done))
        .values_list("pk", "enqueued_at")
    )
    without = messages.without_message([pk for pk, sent in due if sent is not None]) or set()
    return [pk for pk, sent in due if sent is None or sent < long_ago or pk in without]


def _forget_marks_of_ended_jobs() -> None:
    marked = messages.marked()
    if marked:
        still_queued = set(
            ProcessingJob.objects.filter(pk__in=marked, status=JobStatus.QUEUED).values_list("pk", flat=True)
        )
        messages.forget(marked - still_queued)


def cancel_jobs_of_gone_files(*, now: datetime) -> int:
    """Jobs left unfinished on files replaced or deleted since (their worker was away, say) end as cancelled."""
    gone = (MediaAsset.objects.replaced() | MediaAsset.objects.filter(file="")).filter(jobs__status__in=UNFINISHED)
    return jobs.cancel_jobs(asset_ids=list(gone.values_list("pk", flat=True).distinct()), now=now)


def remove_replaced_renditions() -> int:
    """A replaced file's renditions go with it, from storage too, so nothing of it can be served."""
    removed = 0
    for rendition in Rendition.objects.exclude(of_current_file()):
        rendition.file.delete(save=False)
        rendition.delete()
        removed += 1
    return removed


def unfinished_for_a_day(*, now: datetime):
    """Jobs created more than a day ago that are still neither done, failed nor cancelled: something is wrong."""
    return (
        ProcessingJob.objects.filter(status__in=UNFINISHED, created_at__lt=now - timedelta(days=1))
        .select_related("asset__entry__contest")
        .order_by("created_at")
    )


def report_unfinished(*, now: datetime) -> int:
    """The daily check: name in the log (by job number and entry reference only) every job a day old and not ended."""
    late = list(unfinished_for_a_day(now=now)[:100])
    count = unfinished_for_a_day(now=now).count()
    if count:
        listed = ", ".join(f"{job.pk} ({job.asset.entry.reference}, {job.kind}, {job.status})" for job in late)
        logger.error("%s processing jobs are more than a day old and have not ended: %s", count, listed)
    return count
