"""What a judge is shown of an entry's work: its renditions under neutral names, never the original file.

The organizers preview the same renditions (`organizer_works`), from addresses of their own that no judge
may open.

The names are the renditions' specs (``video.mp4``, ``poster.jpg``…) or
``captions-<language>.vtt``; nothing in them, in the page or in the bytes
served names the entrant or the file they uploaded.
"""

import dataclasses

from django.urls import reverse
from django.utils.translation import get_language_info

from submissions.enums import AttachmentKind, Spec
from submissions.media.base import MediaRejected
from submissions.media.captions import to_webvtt
from submissions.models import Attachment, Entry, MediaAsset, Rendition, of_current_file

from .models import Assignment

# The renditions a judge may be served; anything else (an original, a release form) is not found.
SERVED_SPECS = frozenset(
    {
        Spec.VIDEO,
        Spec.POSTER,
        Spec.AUDIO,
        Spec.WAVEFORM,
        Spec.DISPLAY_WEBP,
        Spec.DISPLAY_JPEG,
        Spec.THUMB_WEBP,
        Spec.THUMB_JPEG,
        Spec.PREVIEW,
    }
)


@dataclasses.dataclass
class Work:
    """The entry's work as the scoring page shows it; `kind` is video, audio, image, pdf or None (text only)."""

    kind: str | None
    src: str = ""
    poster: str = ""
    waveform: str = ""
    full: str = ""
    width: int | None = None
    height: int | None = None
    captions: list[dict] = dataclasses.field(default_factory=list)


def current_asset(entry: Entry) -> MediaAsset | None:
    return entry.assets.current().order_by("-created_at").first()


def rendition_for(assignment: Assignment, spec: str) -> Rendition | None:
    if spec not in SERVED_SPECS:
        return None
    asset = current_asset(assignment.entry)
    if asset is None:
        return None
    return Rendition.objects.filter(asset=asset, spec=spec).first()


def caption_for(assignment: Assignment, language: str) -> Attachment | None:
    return Attachment.objects.filter(
        entry_id=assignment.entry_id, kind=AttachmentKind.CAPTION, language=language
    ).first()


def caption_webvtt(attachment: Attachment) -> str | None:
    """The captions as clean WebVTT (an SRT file is converted); None if the file cannot be read as captions."""
    with attachment.file.open("rb") as handle:
        data = handle.read()
    try:
        return to_webvtt(data)
    except MediaRejected:
        return None


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def work_of(assignment: Assignment) -> Work:
    """Which renditions the judge's page shows, with their neutral addresses (three queries)."""
    asset = current_asset(assignment.entry)
    made = {r.spec: r for r in Rendition.objects.filter(asset=asset)} if asset else {}
    languages = []
    if Spec.VIDEO in made:
        languages = list(
            Attachment.objects.filter(entry_id=assignment.entry_id, kind=AttachmentKind.CAPTION)
            .order_by("language")
            .values_list("language", flat=True)
        )
    return _work(
        made,
        languages,
        url=lambda spec: reverse("judging:media", kwargs={"assignment_id": assignment.pk, "name": spec}),
        caption_url=lambda language: reverse(
            "judging:captions", kwargs={"assignment_id": assignment.pk, "language": language}
        ),
    )


def preview_rendition(entry: Entry, spec: str) -> Rendition | None:
    """A rendition of the entry's current file, for the organizers' preview (the same specs a judge is served)."""
    if spec not in SERVED_SPECS:
        return None
    return Rendition.objects.filter(of_current_file(), asset__entry=entry, spec=spec).first()


def preview_caption(entry: Entry, language: str) -> Attachment | None:
    return Attachment.objects.filter(entry=entry, kind=AttachmentKind.CAPTION, language=language).first()


def organizer_works(entries) -> dict[int, Work]:
    """The work of each entry as its organizers preview it, in the judge's renditions (one query for any
    number of entries). The entries come from judging.selectors.with_work_details, with their caption files."""
    ids = [entry.pk for entry in entries]
    made: dict[int, dict[str, Rendition]] = {pk: {} for pk in ids}
    renditions = Rendition.objects.filter(of_current_file(), asset__entry_id__in=ids).select_related("asset")
    for rendition in renditions.only("spec", "width", "height", "asset__entry_id"):
        made[rendition.asset.entry_id][rendition.spec] = rendition
    languages = {entry.pk: [caption.language for caption in entry.caption_files] for entry in entries}
    return {
        pk: _work(
            made[pk],
            languages[pk],
            url=lambda spec, pk=pk: reverse("judging:preview_media", kwargs={"entry_id": pk, "name": spec}),
            caption_url=lambda language, pk=pk: reverse(
                "judging:preview_captions", kwargs={"entry_id": pk, "language": language}
            ),
        )
        for pk in ids
    }


def _work(made: dict[str, Rendition], caption_languages: list[str], *, url, caption_url) -> Work:
    """Which rendition a page shows, and where the browser fetches it."""
    if Spec.VIDEO in made:
        video = made[Spec.VIDEO]
        work = Work("video", src=url(Spec.VIDEO), width=video.width, height=video.height)
        if Spec.POSTER in made:
            work.poster = url(Spec.POSTER)
        work.captions = [
            {"language": language, "label": _language_name(language), "src": caption_url(language)}
            for language in caption_languages
        ]
        return work
    if Spec.AUDIO in made:
        work = Work("audio", src=url(Spec.AUDIO))
        if Spec.WAVEFORM in made:
            work.waveform = url(Spec.WAVEFORM)
            work.width, work.height = made[Spec.WAVEFORM].width, made[Spec.WAVEFORM].height
        return work
    for spec in (Spec.DISPLAY_WEBP, Spec.DISPLAY_JPEG):
        if spec in made:
            image = made[spec]
            return Work("image", src=url(spec), full=url(spec), width=image.width, height=image.height)
    if Spec.PREVIEW in made:
        preview = made[Spec.PREVIEW]
        return Work("pdf", src=url(Spec.PREVIEW), width=preview.width, height=preview.height)
    return Work(None)
