"""Helpers for the processing tests: an entrant's draft, files stored or uploaded, photos that give away a place."""

import hashlib
import io
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import SLUG, seed_demo
from submissions import services, uploads
from submissions.enums import Declaration, FileState
from submissions.models import Entry, MediaAsset
from tests.conftest import ROOT, database_url_for_subprocess, results_dir, subprocess_env

AMIRA = "entrant1@voices.example"
MATEO = "entrant2@voices.example"
SERIAL = "SN-VOICES-0042-7731"
CAMERA = "VoicesCam"
FINAL = {FileState.READY, FileState.NEEDS_ACTION}


def demo_contest() -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    # The stored messages are written in the entrant's language; these tests read them in English.
    User.objects.filter(email__in=[AMIRA, MATEO]).update(preferred_language="en")
    return Contest.objects.get(slug=SLUG)


def draft(contest: Contest, *, kind: str = MediaKind.PHOTO, email: str = AMIRA) -> Entry:
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=email),
        data={
            "theme": contest.themes.first(),
            "category": contest.categories.get(media_kind=kind),
            "title": "The fields of Ban Naxay",
        },
        declarations=set(Declaration.values),
        now=timezone.now(),
    )


def upload(entry: Entry, data: bytes, filename: str) -> MediaAsset:
    """Send a whole file through the upload service, as the tus endpoint does; finishing it starts the jobs."""
    now = timezone.now()
    started = uploads.start_upload(
        entry=entry, owner=entry.entrant, length=len(data), filename=filename, declared_type="", now=now
    )
    uploads.append(upload=started, offset=0, read=io.BytesIO(data).read, length=len(data), checksum=None, now=now)
    return MediaAsset.objects.get(upload=started)


def stored(entry: Entry, data: bytes, file_format: str) -> MediaAsset:
    """A file put straight into private storage, with no jobs yet (the tests make and run them)."""
    asset = MediaAsset(
        entry=entry,
        original_name=f"work.{file_format}",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=file_format,
    )
    asset.file.save(f"entries/{entry.reference}/{uuid.uuid4().hex}.{file_format}", ContentFile(data), save=False)
    asset.save()
    return asset


def state(asset: MediaAsset) -> str:
    return MediaAsset.objects.get(pk=asset.pk).state


def photo_with_location(size: tuple[int, int] = (2400, 1600)) -> bytes:
    """A JPEG as a phone writes it: GPS position of the place, camera make, model and serial number."""
    image = Image.new("RGB", size, (40, 90, 140))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 120):
        draw.rectangle([x, 0, x + 60, size[1]], fill=(200, 120 + x % 100, 40))
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x8825] = {1: "N", 2: (18.0, 24.0, 12.5), 3: "E", 4: (103.0, 12.0, 48.0)}  # GPS IFD
    exif[0x8769] = {0xA431: SERIAL, 0xA435: "LENS-" + SERIAL}  # Exif IFD: body and lens serial numbers
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def location_and_serial(data: bytes) -> list[str]:
    """What in an image's bytes still tells where it was taken or with which camera."""
    found = []
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    if exif.get_ifd(0x8825):
        found.append("GPS")
    if 0xA431 in exif.get_ifd(0x8769) or 0xA435 in exif.get_ifd(0x8769):
        found.append("serial tag")
    if exif.get(0x010F) or exif.get(0x0110):
        found.append("camera")
    for marker in (SERIAL.encode(), CAMERA.encode()):
        if marker in data:
            found.append(f"bytes {marker!r}")
    if "xmp" in image.info or "XML:com.adobe.xmp" in image.info:
        found.append("XMP")
    return found


# --- Workers of a test's own ------------------------------------------------
def start_worker(name: str, queues: str, work_dir: Path) -> subprocess.Popen:
    """A worker of its own, in its own process group so one signal reaches all its processes."""
    env = subprocess_env(
        DATABASE_URL=database_url_for_subprocess(),
        MEDIA_JOB_HEARTBEAT_SECONDS="0.5",
        MEDIA_WORK_DIR=str(work_dir),
    )
    log = open(results_dir() / f"celery-{name}.log", "wb")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "config", "worker", "--queues", queues, "--concurrency", "1",
         "--hostname", f"{name}-{os.getpid()}@%h", "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
