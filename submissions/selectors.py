"""Reads for the entrant's pages (an entry's current file, its processing state and its place in line) and the queues.

A queue's figures come from the job rows: what waits, since when, and how
fast the queue moves now. The rate is the jobs running at once divided by
the mean time of the last jobs done there: while jobs wait, every worker on
the queue is busy, so the running count is the workers' capacity, and a
worker added on another machine shows in the estimate at once.
"""

import dataclasses
import math
from datetime import datetime, timedelta

from django.db.models import Count, Min, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import FileState, JobKind, JobQueue, JobStatus, Spec
from .models import NOT_MADE, Entry, MediaAsset, ProcessingJob, Rendition

# How many of a queue's last finished jobs give its time per job, and how far back they may go.
RATE_SAMPLE = 20
RATE_HORIZON = timedelta(days=1)

# Which renditions show a file on its owner's page, by what its jobs make.
PREVIEW_SPECS = {
    "image": (Spec.DISPLAY_WEBP, Spec.THUMB_WEBP),
    "video": (Spec.VIDEO, Spec.POSTER),
    "audio": (Spec.AUDIO, Spec.WAVEFORM),
    "pdf": (Spec.PREVIEW,),
}
FINAL_STATES = frozenset({FileState.READY, FileState.NEEDS_ACTION, FileState.HELD})


def current_assets() -> Prefetch:
    """For `prefetch_related` on entries: only the file not replaced, with its jobs and renditions."""
    return Prefetch(
        "assets",
        queryset=MediaAsset.objects.current().prefetch_related(
            Prefetch("jobs", queryset=ProcessingJob.objects.order_by("pk")), "renditions"
        ),
        to_attr="current_assets",
    )


def current_file(entry: Entry) -> MediaAsset | None:
    """The entry's file, with what the processing page needs in two more queries."""
    if hasattr(entry, "current_assets"):
        return entry.current_assets[0] if entry.current_assets else None
    return (
        entry.assets.current()
        .prefetch_related(Prefetch("jobs", queryset=ProcessingJob.objects.order_by("pk")), "renditions")
        .first()
    )


def rendition_url(entry: Entry, rendition: Rendition) -> str:
    return reverse(
        "submissions:rendition",
        kwargs={"reference": entry.reference, "pk": rendition.asset_id, "spec": rendition.spec},
    )


def preview(entry: Entry, asset: MediaAsset) -> dict | None:
    """What the owner's page shows of a processed file: its kind and the addresses of its renditions."""
    made = {rendition.spec: rendition for rendition in asset.renditions.all()}
    kinds = {job.kind for job in asset.jobs.all()}
    if JobKind.IMAGES in kinds:
        family = "image"
    elif JobKind.VIDEO in kinds:
        family = "video"
    elif JobKind.AUDIO in kinds:
        family = "audio"
    elif JobKind.PREVIEW in kinds:
        family = "pdf"
    else:
        return None
    main, *others = PREVIEW_SPECS[family]
    if main not in made:
        return None
    shown = {"kind": family, "src": rendition_url(entry, made[main])}
    shown["width"], shown["height"] = made[main].width, made[main].height
    for spec in others:
        if spec in made:
            shown["poster" if family == "video" else "extra"] = rendition_url(entry, made[spec])
    return shown


def processing_status(entry: Entry, asset: MediaAsset | None = None) -> dict:
    """The entry's file as its owner's page shows it and its script polls it (plain, translated strings)."""
    asset = asset if asset is not None else current_file(entry)
    if asset is None:
        return {"file": None, "final": True}
    state = asset.state
    jobs = list(asset.jobs.all())
    return {
        "file": {
            "id": asset.pk,
            "state": state,
            "label": str(FileState(state).label),
            "message": asset.failure_message,
            "line": place_in_line(asset, now=timezone.now()) if state not in FINAL_STATES else "",
            "steps": [
                {
                    "kind": job.kind,
                    "label": job.kind_label,
                    "status": job.status,
                    "status_label": job.status_label,
                }
                for job in jobs
                if job.error_code != NOT_MADE and job.status != JobStatus.CANCELLED
            ],
            "preview": preview(entry, asset) if state == FileState.READY else None,
        },
        "final": state in FINAL_STATES,
    }


# --- The queues ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class QueueFigures:
    queue: str
    label: str
    waiting: int  # sent to the queue and due, not started
    retrying: int  # waiting out a retry's pause
    running: int
    oldest_sent_at: datetime | None
    seconds_per_job: float | None  # the mean of the last jobs done on this queue
    now: datetime

    @property
    def oldest_wait(self) -> timedelta | None:
        return self.now - self.oldest_sent_at if self.oldest_sent_at else None

    @property
    def per_minute(self) -> float | None:
        """Jobs this queue finishes a minute now, at the measured time per job."""
        if not self.running or not self.seconds_per_job:
            return None
        return self.running * 60 / self.seconds_per_job

    def time_for(self, jobs: int) -> timedelta | None:
        """How long `jobs` take to clear at the measured rate; None while nothing runs to measure it by."""
        rate = self.per_minute
        return timedelta(minutes=jobs / rate) if rate else None

    @property
    def clears_in(self) -> timedelta | None:
        return self.time_for(self.waiting) if self.waiting else timedelta(0)

    @property
    def stalled(self) -> bool:
        """Jobs wait and no worker takes any: the workers of this queue are down or stuck."""
        return bool(self.waiting and not self.running)


def queue_figures(*, now: datetime, queues: list[str] | None = None) -> list[QueueFigures]:
    """Each queue's figures, in three queries per queue at most."""
    wanted = queues or list(JobQueue.values)
    due = Q(status=JobStatus.QUEUED, enqueued_at__lte=now)
    counts = {
        row["queue"]: row
        for row in ProcessingJob.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING), queue__in=wanted)
        .values("queue")
        .annotate(
            waiting=Count("pk", filter=due),
            retrying=Count("pk", filter=Q(status=JobStatus.QUEUED, enqueued_at__gt=now)),
            running=Count("pk", filter=Q(status=JobStatus.RUNNING)),
            oldest=Min("enqueued_at", filter=due),
        )
    }
    figures = []
    for queue in wanted:
        row = counts.get(queue, {})
        recent = list(
            ProcessingJob.objects.filter(
                queue=queue, status=JobStatus.DONE, started_at__isnull=False, finished_at__gte=now - RATE_HORIZON
            )
            .order_by("-finished_at")
            .values_list("started_at", "finished_at")[:RATE_SAMPLE]
        )
        seconds = [(finished - started).total_seconds() for started, finished in recent]
        figures.append(
            QueueFigures(
                queue=queue,
                label=str(JobQueue(queue).label),
                waiting=row.get("waiting", 0),
                retrying=row.get("retrying", 0),
                running=row.get("running", 0),
                oldest_sent_at=row.get("oldest"),
                seconds_per_job=max(sum(seconds) / len(seconds), 0.001) if seconds else None,
                now=now,
            )
        )
    return figures


def about(duration: timedelta) -> str:
    """A wait in round words: minutes up to an hour and a half, then hours; never less than a minute."""
    minutes = max(1, math.ceil(duration.total_seconds() / 60))
    if minutes <= 90:
        return ngettext("about %(count)s minute", "about %(count)s minutes", minutes) % {"count": minutes}
    hours = round(minutes / 60)
    return ngettext("about %(count)s hour", "about %(count)s hours", hours) % {"count": hours}


def place_in_line(asset: MediaAsset, *, now: datetime) -> str:
    """For a file that waits with nothing of it running: in words, how many wait before it and about how long."""
    jobs = list(asset.jobs.all())
    if any(job.status == JobStatus.RUNNING for job in jobs):
        return ""
    waiting = sorted(
        (job for job in jobs if job.status == JobStatus.QUEUED and job.enqueued_at and job.enqueued_at <= now),
        key=lambda job: (job.enqueued_at, job.pk),
    )
    if not waiting:
        return ""
    first = waiting[0]
    ahead = ProcessingJob.objects.filter(
        Q(enqueued_at__lt=first.enqueued_at) | Q(enqueued_at=first.enqueued_at, pk__lt=first.pk),
        queue=first.queue,
        status=JobStatus.QUEUED,
    ).count()
    if not ahead:
        return _("Your file is next in line to be processed.")
    line = ngettext(
        "Your file is in line to be processed, behind %(count)s other file.",
        "Your file is in line to be processed, behind %(count)s other files.",
        ahead,
    ) % {"count": ahead}
    wait = queue_figures(now=now, queues=[first.queue])[0].time_for(ahead)
    if wait is None:
        return line
    return line + " " + _("It should start in %(wait)s.") % {"wait": about(wait)}


def entries_with_missing_files(*, contest, check) -> list[str]:
    """References of this contest's entries with a file the storage check did not find (private storage only)."""
    from .models import Attachment, MediaAsset, Rendition

    if check is None or not check.missing:
        return []
    names = [name.split(":", 1)[1] for name in check.missing_names if name.startswith("private:")]
    references = set(
        MediaAsset.objects.filter(entry__contest=contest, file__in=names).values_list("entry__reference", flat=True)
    )
    references |= set(
        Rendition.objects.filter(asset__entry__contest=contest, file__in=names).values_list(
            "asset__entry__reference", flat=True
        )
    )
    references |= set(
        Attachment.objects.filter(entry__contest=contest, file__in=names).values_list("entry__reference", flat=True)
    )
    return sorted(references)
