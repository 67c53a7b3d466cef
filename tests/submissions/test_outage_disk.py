"""A full or read-only disk under real uploads through gunicorn: told, not looped, and nothing half-kept.

The disks are tmpfs filesystems the test mounts (it must run as root; where
`mount` is refused, the tests are skipped and say why): one small enough to
fill under the folder of unfinished uploads, one under the entry's folder in
the private storage. Room is then made by remounting them larger.
"""

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from accounts.models import User
from contest.enums import MediaKind
from demo.seed import DEMO_PASSWORD
from submissions import services
from submissions.enums import UploadStatus
from submissions.models import MediaAsset, Upload
from tests.conftest import ROOT, database_url_for_subprocess, free_port, results_dir, subprocess_env, wait_until
from tests.uploading import send, server_offset, sign_in, start, tus_headers

from .processing_helpers import AMIRA, demo_contest

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
MiB = 1024 * 1024


class Tmpfs:
    """A tmpfs of a given size mounted on a folder; skipped with the reason where mounting is not allowed."""

    def __init__(self, folder: Path, size: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
                                capture_output=True, text=True)
        if result.returncode:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.strip()}")

    def remount(self, options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(self.folder)], check=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.folder)], check=False)


@pytest.fixture(scope="module")
def upload_disk():
    disk = Tmpfs(Path(tempfile.mkdtemp(prefix="voices-uploads-")), "64m")
    yield disk
    disk.unmount()


@pytest.fixture(scope="module")
def gunicorn_on(upload_disk, django_db_setup, django_db_blocker):
    """The site in gunicorn, its unfinished uploads on the test's own small disk."""
    port = free_port()
    with django_db_blocker.unblock():
        env = subprocess_env(DATABASE_URL=database_url_for_subprocess(), VOICES_PORT=str(port), WEB_CONCURRENCY="1",
                             UPLOAD_TEMP_DIR=str(upload_disk.folder))
    log = open(results_dir() / "gunicorn-disk.log", "wb")  # noqa: SIM115 - the process owns it
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{base}/en/accounts/login/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(lambda: server.poll() is not None or answers(), timeout=60, message="gunicorn to answer")
        assert server.poll() is None, "gunicorn exited; see test-results/gunicorn-disk.log"
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def video_entry(contest):
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=AMIRA),
        data={"theme": contest.themes.first(), "category": contest.categories.get(media_kind=MediaKind.VIDEO),
              "title": "The fields of Ban Naxay"},
        declarations=set(),
        now=timezone.now(),
    )


def film(size: int) -> bytes:
    return MP4_HEAD + os.urandom(size - len(MP4_HEAD))


def log_text() -> str:
    return (results_dir() / "gunicorn-disk.log").read_text(errors="replace")


def test_a_full_upload_folder_answers_507_with_a_message_keeps_a_true_offset_and_resumes_once_there_is_room(
    gunicorn_on, upload_disk
):
    upload_disk.remount("size=4m")
    data = film(6 * MiB + 12345)
    entry = video_entry(demo_contest())
    session = sign_in(gunicorn_on, AMIRA, DEMO_PASSWORD)
    created = start(session, gunicorn_on, entry=entry.reference, length=len(data), filename="walk.mp4")
    assert created.status_code == 201, created.text
    url = created.headers["Location"]

    refused = send(session, url, offset=0, data=data)

    assert refused.status_code == 507
    assert "run out of room" in refused.text and "try again later" in refused.text
    assert refused.headers["Retry-After"]
    kept = int(refused.headers["Upload-Offset"])
    assert 0 < kept < len(data)
    assert server_offset(session, url) == kept, "HEAD says what the disk holds"
    part = upload_disk.folder / f"{url.rsplit('/', 1)[1]}.part"
    assert part.read_bytes() == data[:kept], "the bytes kept are the first ones, in order, and only those"
    assert "ERROR submissions.uploads: upload" in log_text() and "refused a write" in log_text()
    # The same connection carries the next request: the refused body was read to its end.
    assert session.get(f"{gunicorn_on}/en/entries/", timeout=30).status_code == 200

    upload_disk.remount("size=64m")
    done = send(session, url, offset=kept, data=data[kept:])

    assert done.status_code == 204, done.text
    asset = MediaAsset.objects.get(upload_id=url.rsplit("/", 1)[1])
    assert asset.sha256 == hashlib.sha256(data).hexdigest()
    with asset.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == asset.sha256
    assert not part.exists()


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("trouble", ["full", "read-only"])
def test_a_private_storage_that_refuses_the_finished_file_leaves_no_orphan_and_a_retry_finishes_it_once(
    gunicorn_on, upload_disk, trouble
):
    upload_disk.remount("size=64m")
    data = film(3 * MiB + 777)
    entry = video_entry(demo_contest())
    storage = MediaAsset._meta.get_field("file").storage
    # The originals' folder in the private storage is a disk of 1 MiB: too small for the film.
    entry_disk = Tmpfs(Path(storage.location) / "originals", "1m")
    try:
        if trouble == "read-only":
            entry_disk.remount("ro")
        session = sign_in(gunicorn_on, AMIRA, DEMO_PASSWORD)
        created = start(session, gunicorn_on, entry=entry.reference, length=len(data), filename="walk.mp4")
        url = created.headers["Location"]
        upload = Upload.objects.get(pk=url.rsplit("/", 1)[1])

        refused = send(session, url, offset=0, data=data)

        assert refused.status_code == (507 if trouble == "full" else 503)
        assert "All of your file has arrived" in refused.text
        assert refused.headers["Retry-After"]
        assert stored_files(entry_disk.folder) == [], "no partial copy left in the storage"
        upload.refresh_from_db()
        assert (upload.status, upload.offset) == (UploadStatus.RECEIVING, len(data))
        assert not MediaAsset.objects.filter(entry=entry).exists(), "no file for the entry, and not 'complete'"
        assert "the private storage refused the finished file" in log_text()
        # The client asks where it stands: told to wait (423, which tus clients try again), not to start over.
        waiting = session.head(url, headers=tus_headers(session), timeout=30)
        assert (waiting.status_code, waiting.headers["Retry-After"]) == (423, "60")

        entry_disk.remount("rw,size=16m")
        finished = session.head(url, headers=tus_headers(session), timeout=30)
        again = session.head(url, headers=tus_headers(session), timeout=30)
        stored = [(path.relative_to(entry_disk.folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
                  for path in stored_files(entry_disk.folder)]
    finally:
        entry_disk.unmount()
    assert finished.status_code == 200 and finished.headers["Upload-Offset"] == str(len(data))
    assert again.status_code == 200
    asset = MediaAsset.objects.get(entry=entry)
    assert asset.sha256 == hashlib.sha256(data).hexdigest()
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.COMPLETE
    assert stored == [(f"{upload.pk.hex}/original.mp4", asset.sha256)], "stored once, whole, under the upload's name"
    assert asset.file.name == f"originals/{upload.pk.hex}/original.mp4"
