"""Which outputs a file owes, on which queue, and which processing step makes each one.

The steps themselves (probing, checks, renditions) live in the modules next to
this one and work on local paths; this module only picks them. They are
imported when a job runs, so a worker loads ffmpeg or PDF code only for the
files that need it.
"""

from pathlib import Path

from contest.enums import MediaKind
from contest.models import Category

from ..enums import JobKind, JobQueue
from .base import Facts, Output

VIDEO, AUDIO, IMAGE, PDF = "video", "audio", "image", "pdf"

IMAGE_FORMATS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "bmp", "heic", "avif"})
AUDIO_FORMATS = frozenset({"mp3", "m4a", "wav", "ogg", "oga", "opus", "aac", "flac"})
VIDEO_FORMATS = frozenset({"mp4", "m4v", "mov", "webm", "mkv", "avi", "ogv", "mpeg", "mpg"})

# Long work (whole-file decoding) goes to `media`, so a thumbnail never waits behind an hour of video.
# A poster seeks to one frame, so it is short work even for a long video.
PLAN: dict[str, list[tuple[str, str]]] = {
    VIDEO: [(JobKind.PROBE, JobQueue.DEFAULT), (JobKind.VIDEO, JobQueue.MEDIA), (JobKind.POSTER, JobQueue.DEFAULT)],
    AUDIO: [(JobKind.PROBE, JobQueue.DEFAULT), (JobKind.AUDIO, JobQueue.MEDIA), (JobKind.WAVEFORM, JobQueue.MEDIA)],
    IMAGE: [(JobKind.PROBE, JobQueue.DEFAULT), (JobKind.IMAGES, JobQueue.DEFAULT)],
    PDF: [(JobKind.PROBE, JobQueue.DEFAULT), (JobKind.PREVIEW, JobQueue.DEFAULT)],
}


def family(file_format: str, media_kind: str) -> str:
    """What kind of media a file is: its sniffed format decides, the category settles formats used by both."""
    file_format = file_format.lower()
    if file_format == "pdf":
        return PDF
    if file_format in IMAGE_FORMATS:
        return IMAGE
    # "webm", "ogg" and "m4a" hold sound alone or pictures too: the category says which it should be.
    if media_kind == MediaKind.AUDIO:
        return AUDIO
    if media_kind == MediaKind.VIDEO:
        return VIDEO
    return AUDIO if file_format in AUDIO_FORMATS else VIDEO


def probe(kind_of_file: str, path: Path, category: Category) -> Facts:
    """Scan, probe and check a file against its category; raises MediaRejected with the entrant's message."""
    from . import scan

    scan.scan(path)
    if kind_of_file == IMAGE:
        from . import images

        facts = images.probe_image(path)
        images.check_image(facts, category)
    elif kind_of_file == PDF:
        from . import pdf

        facts = pdf.probe_pdf(path)
        pdf.check_pdf(facts, category)
    else:
        from . import ffmpeg

        facts = ffmpeg.probe_media(path)
        if kind_of_file == VIDEO:
            from . import video

            video.check_video(facts, category)
        else:
            from . import audio

            audio.check_audio(facts, category)
    return facts


def render(job_kind: str, path: Path, out_dir: Path, facts: Facts) -> list[Output]:
    """Make the outputs of one job into `out_dir`."""
    if job_kind == JobKind.IMAGES:
        from . import images

        return list(images.render_image(path, out_dir))
    if job_kind == JobKind.PREVIEW:
        from . import pdf

        return [pdf.render_pdf_preview(path, out_dir)]
    if job_kind in (JobKind.VIDEO, JobKind.POSTER):
        from . import video

        step = video.render_video if job_kind == JobKind.VIDEO else video.render_poster
        return [step(path, out_dir, facts)]
    if job_kind in (JobKind.AUDIO, JobKind.WAVEFORM):
        from . import audio

        step = audio.render_audio if job_kind == JobKind.AUDIO else audio.render_waveform
        return [step(path, out_dir, facts)]
    raise ValueError(f"no step makes {job_kind}")


def facts_from(data: dict, kind_of_file: str) -> Facts:
    """The stored probe result back as Facts (keys a newer probe added are kept in `extra`)."""
    known = set(Facts.__dataclass_fields__)
    values = {key: value for key, value in data.items() if key in known}
    values.setdefault("kind", kind_of_file)
    return Facts(**values)
