"""Reads for the entrant's pages: an entry's current file with its jobs and renditions, and its processing state."""

from django.db.models import Prefetch
from django.urls import reverse

from .enums import FileState, JobKind
from .models import NOT_MADE, Entry, MediaAsset, ProcessingJob, Rendition

# Which renditions show a file on its owner's page, by what its jobs make.
PREVIEW_SPECS = {
    "image": ("display.webp", "thumb.webp"),
    "video": ("video.mp4", "poster.jpg"),
    "audio": ("audio.m4a", "waveform.png"),
    "pdf": ("preview.jpg",),
}
FINAL_STATES = frozenset({FileState.READY, FileState.NEEDS_ACTION, FileState.HELD})


def current_assets() -> Prefetch:
    """For `prefetch_related` on entries: only the file not replaced, with its jobs and renditions."""
    return Prefetch(
        "assets",
        queryset=MediaAsset.objects.filter(replaced_at__isnull=True).prefetch_related(
            Prefetch("jobs", queryset=ProcessingJob.objects.order_by("pk")), "renditions"
        ),
        to_attr="current_assets",
    )


def current_file(entry: Entry) -> MediaAsset | None:
    """The entry's file, with what the processing page needs in two more queries."""
    if hasattr(entry, "current_assets"):
        return entry.current_assets[0] if entry.current_assets else None
    return (
        entry.assets.filter(replaced_at__isnull=True)
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
            "steps": [
                {
                    "kind": job.kind,
                    "label": job.get_kind_display(),
                    "status": job.status,
                    "status_label": job.get_status_display(),
                }
                for job in jobs
                if job.error_code != NOT_MADE
            ],
            "preview": preview(entry, asset) if state == FileState.READY else None,
        },
        "final": state in FINAL_STATES,
    }
