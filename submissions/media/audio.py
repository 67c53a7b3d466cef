"""Sound recordings: the category's checks, an AAC rendition every browser plays, and a waveform picture."""

from pathlib import Path

from django.utils.translation import gettext as _

from ..enums import Spec
from . import ffmpeg
from .base import Facts, MediaRejected, Output
from .video import AUDIO_CODECS, check_duration, formats_in_words

CONTAINERS = {"mp3", "m4a", "mp4", "mov", "wav", "ogg", "flac", "aac", "webm", "mkv"}
# A category's file name endings that mean the same container as the one probing names.
SAME_CONTAINER = {"oga": "ogg", "opus": "ogg", "m4a": "m4a", "mp4": "m4a", "weba": "webm"}
BIT_RATE = "160k"
WAVEFORM_SIZE = "1200x240"
WAVEFORM_COLOUR = "0x0b5cad"  # the site's accent (static/css/voices.css)


def check_audio(facts: Facts, category) -> None:
    """Refuse a recording the category cannot take, telling the entrant what to change."""
    if not facts.has_audio:
        raise MediaRejected(
            "no_audio_stream",
            _("This file has no sound. Upload the recording itself, exported with its sound."),
        )
    if facts.has_video:
        raise MediaRejected(
            "not_audio",
            _("This file is a video, and this category takes sound recordings. Export only the sound (for example "
              "as MP3 or M4A) and upload it."),
        )
    container = "m4a" if facts.container in ("mp4", "mov") else facts.container
    allowed = {SAME_CONTAINER.get(f.lower(), f.lower()) for f in (category.allowed_formats or [])}
    if container not in CONTAINERS or (allowed and container not in allowed):
        raise MediaRejected(
            "format_not_allowed",
            _("This recording is a %(container)s file, which this category does not take. Export it as "
              "%(allowed)s and upload it again.")
            % {"container": container.upper() or "?", "allowed": formats_in_words(category, fallback="MP3")},
        )
    if facts.audio_codec not in AUDIO_CODECS:
        raise MediaRejected(
            "codec_not_allowed",
            _("The sound in this file is encoded as %(codec)s, which we cannot take. Export it again as MP3 or "
              "M4A (AAC) and upload the new file.")
            % {"codec": facts.audio_codec or "?"},
        )
    check_duration(facts, category, message=_(
        "Your recording is %(duration)s long; this category allows at most %(limit)s. Shorten it and upload it "
        "again."
    ))


def render_audio(path: Path, out_dir: Path, facts: Facts) -> Output:
    """audio.m4a: AAC (copied when the original already is), index at the front, no tags or cover art."""
    target = Path(out_dir) / Spec.AUDIO
    args = [*ffmpeg.input_args(path), "-map", "0:a:0", "-vn", "-sn", "-dn"]
    if facts.audio_codec == "aac":
        args += ["-c:a", "copy"]
    else:
        args += ["-c:a", "aac", "-b:a", BIT_RATE]
        if ((facts.extra or {}).get("channels") or 0) > 2:
            args += ["-ac", "2"]
    args += [*ffmpeg.without_metadata(), *ffmpeg.at_most(facts), "-movflags", "+faststart", "-f", "ipod", "-y",
             str(target)]
    ffmpeg.run("ffmpeg", args, timeout=ffmpeg.time_allowed(facts, per_second=0.5))
    return Output(spec=Spec.AUDIO, path=target, content_type="audio/mp4", duration_seconds=facts.duration_seconds)


def render_waveform(path: Path, out_dir: Path, facts: Facts) -> Output:
    """waveform.png: the whole recording's loudness, in the site's accent on a transparent background."""
    target = Path(out_dir) / Spec.WAVEFORM
    width, height = (int(side) for side in WAVEFORM_SIZE.split("x"))
    drawing = f"[0:a:0]aformat=channel_layouts=mono,showwavespic=s={WAVEFORM_SIZE}:colors={WAVEFORM_COLOUR}"
    # A square-root scale keeps a quiet voice visible next to loud music.
    drawing += ":scale=sqrt[wave]"
    args = [*ffmpeg.input_args(path), "-filter_complex", drawing, "-map", "[wave]", "-frames:v", "1",
            "-c:v", "png", *ffmpeg.without_metadata(), "-f", "image2", "-update", "1", "-y", str(target)]
    ffmpeg.run("ffmpeg", args, timeout=ffmpeg.time_allowed(facts, per_second=0.5))
    if not target.exists() or target.stat().st_size == 0:
        raise ffmpeg.unreadable()
    return Output(spec=Spec.WAVEFORM, path=target, content_type="image/png", width=width, height=height,
                  duration_seconds=facts.duration_seconds)


__all__ = ["check_audio", "render_audio", "render_waveform"]
