"""Entries with processed media for the judging page tests: MediaAsset and Rendition rows with small real files.

The pipeline is tested in tests/submissions; here an original carries the entrant's
name in its metadata (as a phone or an editor would write it) and the renditions,
like the pipeline's, carry none.
"""

import io
import subprocess
import uuid
from functools import cache
from pathlib import Path
from tempfile import mkdtemp

from django.core.files.base import ContentFile
from PIL import Image

from submissions import files
from submissions.enums import AttachmentKind
from submissions.models import Attachment, Entry, MediaAsset, Rendition
from tests.uploading import sha256

FFMPEG = "/usr/bin/ffmpeg"


def jpeg(width: int = 640, height: int = 400, *, artist: str = "", color=(40, 120, 200)) -> bytes:
    image = Image.new("RGB", (width, height), color)
    buffer = io.BytesIO()
    exif = Image.Exif()
    if artist:
        exif[0x013B] = artist  # Artist
        exif[0x8298] = f"© {artist}"  # Copyright
    image.save(buffer, "JPEG", quality=80, exif=exif.tobytes() if artist else b"")
    return buffer.getvalue()


def png(width: int = 800, height: int = 120) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (230, 236, 244)).save(buffer, "PNG")
    return buffer.getvalue()


def _ffmpeg(*arguments: str) -> bytes:
    out = Path(mkdtemp()) / "out"
    *options, suffix = arguments
    target = out.with_suffix(suffix)
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *options, str(target)], check=True, timeout=120)
    return target.read_bytes()


@cache
def mp4(artist: str = "") -> bytes:
    """One second of 320×240 H.264; the original names its maker in its tags, the rendition has no tags."""
    tags = ["-metadata", f"artist={artist}", "-metadata", f"title=by {artist}"] if artist else ["-map_metadata", "-1"]
    return _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=25",
        "-t",
        "1",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        *tags,
        "-fflags",
        "+bitexact",
        ".mp4",
    )


@cache
def m4a(artist: str = "") -> bytes:
    tags = ["-metadata", f"artist={artist}"] if artist else ["-map_metadata", "-1"]
    return _ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", *tags, "-fflags", "+bitexact", ".m4a"
    )


def _asset(entry: Entry, data: bytes, *, original_name: str, file_format: str) -> MediaAsset:
    asset = MediaAsset(
        entry=entry,
        original_name=original_name,
        size=len(data),
        sha256=sha256(data),
        file_format=file_format,
        facts={"kind": file_format},
    )
    asset.file.save(f"{files.original_folder(uuid.uuid4())}/original.{file_format}", ContentFile(data), save=False)
    asset.save()
    return asset


def _rendition(asset: MediaAsset, spec: str, data: bytes, content_type: str, **sizes) -> Rendition:
    rendition = Rendition(asset=asset, spec=spec, content_type=content_type, size=len(data), **sizes)
    rendition.file.save(files.rendition_key(asset.pk, spec), ContentFile(data), save=False)
    rendition.save()
    return rendition


def with_image(entry: Entry, *, original_name: str = "") -> MediaAsset:
    name = entry.entrant.full_name
    asset = _asset(entry, jpeg(1600, 1000, artist=name), original_name=original_name or "photo.jpg", file_format="jpg")
    _rendition(asset, "display.jpg", jpeg(1600, 1000), "image/jpeg", width=1600, height=1000)
    _rendition(asset, "thumb.jpg", jpeg(400, 250), "image/jpeg", width=400, height=250)
    return asset


def with_video(entry: Entry, *, original_name: str = "", captions: str | None = None) -> MediaAsset:
    asset = _asset(entry, mp4(entry.entrant.full_name), original_name=original_name or "film.mp4", file_format="mp4")
    _rendition(asset, "video.mp4", mp4(), "video/mp4", width=320, height=240, duration_seconds=1.0)
    _rendition(asset, "poster.jpg", jpeg(320, 240), "image/jpeg", width=320, height=240)
    if captions is not None:
        attachment = Attachment(
            entry=entry,
            kind=AttachmentKind.CAPTION,
            language="en",
            original_name="captions.srt",
            size=len(captions.encode()),
        )
        attachment.file.save(
            files.attachment_key("captions-en.srt"), ContentFile(captions.encode()), save=False
        )
        attachment.save()
    return asset


def with_audio(entry: Entry, *, original_name: str = "") -> MediaAsset:
    asset = _asset(entry, m4a(entry.entrant.full_name), original_name=original_name or "podcast.m4a", file_format="m4a")
    _rendition(asset, "audio.m4a", m4a(), "audio/mp4", duration_seconds=2.0)
    _rendition(asset, "waveform.png", png(), "image/png", width=800, height=120)
    return asset
