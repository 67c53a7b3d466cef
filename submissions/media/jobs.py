"""The processing jobs of an uploaded file: creating them, running one safely and idempotently, rescuing lost ones.

The job rows are the truth; a broker message only says "look at job N". So a
message delivered twice, or a worker killed halfway, changes nothing: the row
is locked and checked before work starts, renditions are unique per (file,
spec), and the sweeper (sweeper.py) re-sends whatever a dead worker or a lost
message left. A database that stops answering is waited out, step by step,
so a message is never acknowledged before its job's row says how it ended.
"""

import dataclasses
import logging
import shutil
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from .. import files
from ..enums import JobKind, JobQueue, JobStatus
from ..models import GAVE_UP, NOT_MADE, REPLACED, MediaAsset, ProcessingJob, Rendition
from . import messages, plan
from .base import MediaRejected, MediaTransient, Output

logger = logging.getLogger(__name__)

COPY_BYTES = 1024 * 1024
# A job's scratch folder: `voices-job-<id>-<random>` in MEDIA_WORK_DIR (the system's temporary folder by default).
WORK_PREFIX = "voices-job-"
MAX_BACKOFF_SECONDS = 15 * 60

try:  # S3's errors are transient too; botocore is there whenever S3 is used.
    from botocore.exceptions import BotoCoreError, ClientError

    STORAGE_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - botocore is a dependency of django-storages[s3]
    STORAGE_ERRORS = ()
TRANSIENT = (MediaTransient, OSError, SoftTimeLimitExceeded, *STORAGE_ERRORS)
# A database that is away (stopped, restarting, unreachable), as opposed to a query that is wrong.
DATABASE_AWAY = (OperationalError, InterfaceError)
LONGEST_DATABASE_WAIT_STEP = 15
ENDED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class DatabaseAway(Exception):
    """The database did not answer for MEDIA_JOB_DATABASE_WAIT_SECONDS; the job's message goes back to the broker."""


def when_database_answers(step, *args, **kwargs):
    """Run a step that reads or writes job rows; while the database is away, wait with backoff and try again.

    Each step is a transaction of its own that is safe to repeat, so trying it
    again after the database comes back does the same as doing it once.
    """
    waited, delay = 0.0, 1.0
    while True:
        try:
            return step(*args, **kwargs)
        except DATABASE_AWAY as error:
            if connection.in_atomic_block:
                raise  # the outermost step repeats the whole transaction
            if waited >= settings.MEDIA_JOB_DATABASE_WAIT_SECONDS:
                raise DatabaseAway(f"no database for {waited:.0f} s") from error
            logger.warning("the database did not answer (%s); trying again in %.0f s", type(error).__name__, delay)
            connection.close()
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, LONGEST_DATABASE_WAIT_STEP)


class FileGone(Exception):
    """The file a job works on was deleted while it ran."""


# --- Creating and sending --------------------------------------------------
def start_processing(*, asset_id: int) -> list[ProcessingJob]:
    """Create the file's jobs (once) and send its check; the other outputs follow when the check passes."""
    with transaction.atomic():
        asset = MediaAsset.objects.select_for_update().select_related("entry__category").filter(pk=asset_id).first()
        if asset is None or asset.replaced_at:
            return []
        kind_of_file = plan.family(asset.file_format, asset.entry.category.media_kind)
        jobs = [
            ProcessingJob.objects.get_or_create(asset=asset, kind=kind, defaults={"queue": queue})[0]
            for kind, queue in plan.PLAN[kind_of_file]
        ]
        probe = next(job for job in jobs if job.kind == JobKind.PROBE)
        if probe.status == JobStatus.QUEUED and probe.enqueued_at is None:
            _send_after_commit([probe])
    return jobs


def _send_after_commit(jobs: list[ProcessingJob], *, countdown: float = 0) -> None:
    """Mark the jobs sent and send them once the transaction commits (a worker must see the rows)."""
    when = timezone.now() + timedelta(seconds=countdown)
    ProcessingJob.objects.filter(pk__in=[job.pk for job in jobs]).update(enqueued_at=when)
    for job in jobs:
        transaction.on_commit(lambda job=job: send(job, countdown=countdown))


def send(job: ProcessingJob, *, countdown: float = 0) -> None:
    """Put a message for the job on its queue. If the broker is away, the sweeper sends it when it is back."""
    from .. import tasks

    task = tasks.run_long_job if job.queue == JobQueue.MEDIA else tasks.run_short_job
    try:
        task.apply_async((job.pk,), countdown=countdown or None)
    except (BrokerError, OSError):
        logger.warning("job %s: the broker did not take it; the sweeper will send it again", job.pk)
        return
    messages.mark_sent([job.pk])


# --- Running one job -------------------------------------------------------
class _Heartbeat(threading.Thread):
    """Touches the running job's row while the step works, so the sweeper can tell a slow job from a dead one."""

    def __init__(self, job_id: int) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.MEDIA_JOB_HEARTBEAT_SECONDS):
                try:
                    ProcessingJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("job %s: heartbeat missed", self.job_id)
                    close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


def _fresh(job: ProcessingJob, now: datetime) -> bool:
    beat = job.heartbeat_at or job.started_at
    return beat is not None and now - beat < timedelta(seconds=settings.MEDIA_JOB_STALE_SECONDS)


def _take(job_id: int) -> ProcessingJob | None:
    """Lock the row and mark it running, unless it is finished, alive in another worker, or not due."""
    now = timezone.now()
    with transaction.atomic():
        job = (
            ProcessingJob.objects.select_for_update(of=("self",))
            .select_related("asset__entry__category", "asset__entry__entrant")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status in ENDED:
            return None
        if job.status == JobStatus.RUNNING and _fresh(job, now):
            return None  # a second delivery while the first worker still works on it
        if job.asset.replaced_at or not job.asset.file:
            _finish(job, JobStatus.CANCELLED, code=REPLACED)
            return None
        if job.kind != JobKind.PROBE and not job.asset.jobs.filter(kind=JobKind.PROBE, status=JobStatus.DONE).exists():
            return None  # sent too early; the check sends it when it passes
        if job.attempts >= settings.MEDIA_JOB_MAX_ATTEMPTS:
            _give_up(job)
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.finished_at = None
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "finished_at"])
    return job


def run_job(*, job_id: int) -> str | None:
    """Run one job to its end: done, failed with the entrant's message, or queued again for a retry."""
    job = when_database_answers(_take, job_id)
    if job is None:
        return None
    asset = job.asset
    kind_of_file = plan.family(asset.file_format, asset.entry.category.media_kind)
    remove_leftovers(now=timezone.now(), job_id=job.pk)  # an earlier attempt's, if its worker was killed here
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    # Messages are written in the entrant's language: they are stored, then shown and emailed to them.
    language = asset.entry.entrant.preferred_language or settings.LANGUAGE_CODE
    try:
        with (
            translation.override(language),
            tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{job.pk}-", dir=settings.MEDIA_WORK_DIR) as work,
        ):
            original = _copy_original(asset, Path(work))
            if job.kind == JobKind.PROBE:
                facts = plan.probe(kind_of_file, original, asset.entry.category)
                outputs = []
            else:
                facts = plan.facts_from(asset.facts, kind_of_file)
                out_dir = Path(work) / "out"
                out_dir.mkdir()
                outputs = plan.render(job.kind, original, out_dir, facts)
                for output in outputs:
                    when_database_answers(_store, asset, output)
    except FileGone:
        heartbeat.stop()
        return None
    except MediaRejected as rejection:
        heartbeat.stop()
        when_database_answers(_reject, job, rejection)
        return JobStatus.FAILED
    except DatabaseAway:
        heartbeat.stop()
        raise
    except TRANSIENT as error:
        heartbeat.stop()
        logger.warning("job %s (%s): %s; trying again", job.pk, job.kind, type(error).__name__)
        return when_database_answers(_retry_or_give_up, job, code="transient")
    except Exception:
        # A bug or a decoder surprise: say so in the log and treat it like a transient error, so
        # attempts are capped and the entrant is never left with a job "in progress" for ever.
        heartbeat.stop()
        logger.exception("job %s (%s) failed unexpectedly", job.pk, job.kind)
        return when_database_answers(_retry_or_give_up, job, code="unexpected")
    heartbeat.stop()
    return when_database_answers(_done, job, facts)


def _done(job: ProcessingJob, facts) -> str | None:
    """Record the job done, unless its file was replaced meanwhile (then it stays cancelled)."""
    with transaction.atomic():
        current = ProcessingJob.objects.select_for_update().filter(pk=job.pk).first()
        if current is None:
            return None  # the file was deleted meanwhile (its entrant erased their account): nothing to record
        # Queued again means the sweeper took this worker for dead during a long pause: the work is done all the same.
        if current.status not in (JobStatus.RUNNING, JobStatus.QUEUED):
            return current.status
        if job.kind == JobKind.PROBE:
            MediaAsset.objects.filter(pk=job.asset_id).update(facts=dataclasses.asdict(facts))
            waiting = list(job.asset.jobs.select_for_update().filter(status=JobStatus.QUEUED).exclude(pk=job.pk))
            _send_after_commit(waiting)
        _finish(job, JobStatus.DONE)
    return JobStatus.DONE


def _copy_original(asset: MediaAsset, work: Path) -> Path:
    """The original as a local file, through the storage API (on S3 it is downloaded; `.path` is never used)."""
    path = work / f"original.{asset.file_format}"
    with asset.file.storage.open(asset.file.name, "rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target, COPY_BYTES)
    return path


def _store(asset: MediaAsset, output: Output) -> Rendition:
    """Save one output; a rendition already there stays, so running a job twice leaves one and the same."""
    name = files.rendition_key(asset.pk, output.spec)
    with transaction.atomic():
        # The file's row is locked first: an erasure of its entrant either waits for this rendition and deletes
        # it with the rest, or deletes the row first, and then nothing is stored that nobody would delete.
        if not MediaAsset.objects.select_for_update(no_key=True).filter(pk=asset.pk).exists():
            raise FileGone
        # The insert takes the unique (asset, spec) slot first; a concurrent run waits, then finds it.
        rendition, created = Rendition.objects.get_or_create(
            asset=asset,
            spec=output.spec,
            defaults={
                "content_type": output.content_type,
                "width": output.width,
                "height": output.height,
                "duration_seconds": output.duration_seconds,
                "size": output.path.stat().st_size,
            },
        )
        if created:
            # A file already there is an earlier attempt's whose row was never committed: replaced, not kept beside.
            rendition.file.storage.delete(name)
            with open(output.path, "rb") as handle:
                rendition.file.save(name, File(handle, name=output.spec), save=True)
    return rendition


def _finish(job: ProcessingJob, status: str, *, code: str = "", message: str = "") -> None:
    job.status, job.error_code, job.error_message = status, code, message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error_code", "error_message", "finished_at"])


def _reject(job: ProcessingJob, rejection: MediaRejected) -> None:
    """A bad file: this job fails at once with the message; outputs not yet made will not be."""
    with transaction.atomic():
        _finish(job, JobStatus.FAILED, code=rejection.code, message=rejection.message)
        others = job.asset.jobs.select_for_update().filter(status=JobStatus.QUEUED)
        others.update(status=JobStatus.FAILED, error_code=NOT_MADE, finished_at=timezone.now())
        transaction.on_commit(lambda: tell_entrant(asset_id=job.asset_id))


def _retry_or_give_up(job: ProcessingJob, *, code: str) -> str | None:
    with transaction.atomic():
        job = ProcessingJob.objects.select_for_update().filter(pk=job.pk).first()
        if job is None:
            return None  # deleted with its file while it ran: its error was the file missing
        if job.status != JobStatus.RUNNING:
            return job.status
        if job.attempts >= settings.MEDIA_JOB_MAX_ATTEMPTS:
            _give_up(job)
            return JobStatus.FAILED
        job.status, job.error_code = JobStatus.QUEUED, code
        job.save(update_fields=["status", "error_code"])
        backoff = min(settings.MEDIA_JOB_RETRY_SECONDS * 2 ** (job.attempts - 1), MAX_BACKOFF_SECONDS)
        _send_after_commit([job], countdown=backoff)
    return JobStatus.QUEUED


def _give_up(job: ProcessingJob) -> None:
    logger.error("job %s (%s): gave up after %s attempts", job.pk, job.kind, job.attempts)
    language = job.asset.entry.entrant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        message = _(
            "We could not process this file because of a problem on our side, not with your file. "
            "It is kept safe and the organizers have been told; you do not need to upload it again."
        )
    _finish(job, JobStatus.FAILED, code=GAVE_UP, message=message)


# --- Telling the entrant ---------------------------------------------------
def tell_entrant(*, asset_id: int) -> bool:
    """Email the entrant, once per file and in their language, that the file needs their action."""
    with transaction.atomic():
        asset = (
            MediaAsset.objects.select_for_update(of=("self",))
            .select_related("entry__contest", "entry__entrant")
            .filter(pk=asset_id)
            .first()
        )
        if asset is None or asset.replaced_at or asset.action_emailed_at or not asset.failure_message:
            return False
        asset.action_emailed_at = timezone.now()
        asset.save(update_fields=["action_emailed_at"])
        entry = asset.entry
        link = settings.SITE_URL + reverse("submissions:detail", kwargs={"reference": entry.reference})
        with translation.override(entry.entrant.preferred_language or settings.LANGUAGE_CODE):
            context = {"entry": entry, "asset": asset, "message": asset.failure_message, "link": link}
            subject = render_to_string("submissions/email/file_needs_action_subject.txt", context).strip()
            body = render_to_string("submissions/email/file_needs_action_body.txt", context)
        transaction.on_commit(lambda: send_mail(subject, body, None, [entry.entrant.email]))
    return True


def remove_leftovers(*, now: datetime, job_id: int | None = None) -> int:
    """Delete the scratch folders a killed worker left on this machine: a copy of the original, half-made outputs.

    A folder stays while its job runs with a fresh heartbeat (on this machine
    or another that shares the folder). With `job_id`, the caller has just
    taken that job, so any folder of its is an earlier attempt's.
    """
    root = Path(settings.MEDIA_WORK_DIR or tempfile.gettempdir())
    removed = 0
    for folder in root.glob(f"{WORK_PREFIX}{job_id or ''}*-*"):
        number = folder.name.removeprefix(WORK_PREFIX).split("-", 1)[0]
        if not number.isdigit() or (job_id is not None and int(number) != job_id):
            continue
        if job_id is None:
            job = ProcessingJob.objects.filter(pk=int(number)).only("status", "heartbeat_at", "started_at").first()
            if job is not None and job.status == JobStatus.RUNNING and _fresh(job, now):
                continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    if removed:
        logger.info("removed %s scratch folders that stopped workers left behind", removed)
    return removed


def cancel_jobs(*, asset_ids: list[int], now: datetime) -> int:
    """Close the unfinished jobs of files that were replaced or deleted: nothing is owed for them any more."""
    return ProcessingJob.objects.filter(
        asset_id__in=asset_ids, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
    ).update(status=JobStatus.CANCELLED, error_code=REPLACED, finished_at=now)
