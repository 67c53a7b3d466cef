"""Interchangeable web nodes: unfinished uploads live in S3 (moto's server), not on the node that took the first bytes.

Two real gunicorn nodes with folders of their own share only PostgreSQL,
Redis and S3, as two machines behind a load balancer do.
"""

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import DEMO_PASSWORD, SLUG, seed_demo
from submissions import services, shared_uploads, uploads
from submissions.enums import UploadStatus
from submissions.models import MediaAsset, Upload
from tests.conftest import ROOT, database_url_for_subprocess, free_port, results_dir, subprocess_env, wait_until
from tests.submissions.test_uploads_s3 import BUCKET, bucket, empty, keys, private_on_s3, unfinished_uploads  # noqa: F401
from tests.uploading import cookie_header, make_mp4, send, server_offset, sha256, sign_in, start

pytestmark = pytest.mark.django_db(transaction=True)

AMIRA = "entrant1@voices.example"
MiB = 1024 * 1024
PATCH_BYTES = 4 * MiB  # under S3's 5 MiB part minimum: every other PATCH leaves a tail that the next node takes up


def s3_env(url: str) -> dict[str, str]:
    return {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": url,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }


class Node:
    """One web node: gunicorn with the project's config, a folder of its own, in its own process group."""

    def __init__(self, name: str, folder, s3_url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        env = subprocess_env(
            DATABASE_URL=database_url_for_subprocess(),
            VOICES_PORT=str(self.port),
            WEB_CONCURRENCY="1",
            VOICES_VAR_DIR=str(folder),
            UPLOAD_TEMP_DIR=str(folder / "uploads"),
            SECRET_KEY=settings.SECRET_KEY,  # the one thing every node must share with the others
            **s3_env(s3_url),
        )
        self.log = open(results_dir() / f"gunicorn-{name}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

        def answers() -> bool:
            try:
                return requests.get(f"{self.base}/en/accounts/login/", timeout=5).status_code == 200
            except requests.ConnectionError:
                return False

        wait_until(lambda: self.process.poll() is not None or answers(), timeout=60, message=f"node {name}")
        assert self.process.poll() is None, f"node {name} exited; see test-results/gunicorn-{name}.log"

    def url(self, upload_url: str) -> str:
        """The same upload's address on this node, as a load balancer would route it."""
        return self.base + urlsplit(upload_url).path

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def demo(transactional_db) -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture
def nodes(s3_server, bucket, demo, tmp_path):  # noqa: F811
    started = []
    try:
        for name in ("a", "b"):
            started.append(Node(name, tmp_path / name, s3_server))
        yield started
    finally:
        for node in started:
            node.stop()


def video_entry(contest: Contest):
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=AMIRA),
        data={
            "theme": contest.themes.first(),
            "category": contest.categories.get(media_kind=MediaKind.VIDEO),
            "title": "The fields of Ban Naxay",
        },
        declarations=set(),
        now=timezone.now(),
    )


def large_video(tmp_path, size: int) -> bytes:
    """A real MP4's head (what the server sniffs), then random bytes up to `size`."""
    head = make_mp4(tmp_path / "head.mp4", seconds=1).read_bytes()
    return head + os.urandom(size - len(head))


def patch_head(session, url: str, *, offset: int, length: int) -> bytes:
    parts = urlsplit(url)
    lines = [
        f"PATCH {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Tus-Resumable: 1.0.0",
        "Content-Type: application/offset+octet-stream",
        f"Upload-Offset: {offset}",
        f"Content-Length: {length}",
        f"X-CSRFToken: {session.cookies['csrftoken']}",
        f"Cookie: {cookie_header(session)}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_an_upload_alternating_between_two_nodes_survives_one_killed_halfway(nodes, bucket, demo, tmp_path):  # noqa: F811
    a, b = nodes
    data = large_video(tmp_path, 64 * MiB)
    entry = video_entry(demo)
    session = sign_in(a.base, AMIRA, DEMO_PASSWORD)  # one session: the cookie works on every node
    answer = start(session, a.base, entry=entry.reference, length=len(data), filename="Amira's film.mp4")
    assert answer.status_code == 201, answer.text
    location = answer.headers["Location"]
    upload = Upload.objects.get(pk=location.rsplit("/", 1)[1])
    assert upload.storage_upload_id, "the upload lives in S3, not on node a"

    # Two PATCHes of the same bytes at once, one on each node: the first holds the upload, the second gets 409.
    first = data[:PATCH_BYTES]
    slow = socket.create_connection(("127.0.0.1", a.port), timeout=30)
    slow.sendall(patch_head(session, a.url(location), offset=0, length=len(first)) + first[: MiB])
    time.sleep(1)  # node a has read the headers and holds the upload, waiting for the rest of the body
    rival = send(session, b.url(location), offset=0, data=first)
    assert rival.status_code == 409, rival.text
    slow.sendall(first[MiB:])
    reply = slow.makefile("rb").readline()
    slow.close()
    assert b" 204 " in reply, reply
    assert server_offset(session, b.url(location)) == PATCH_BYTES  # node b sees what node a kept

    # Then PATCHes alternate between the nodes, to the half.
    offset = PATCH_BYTES
    turn = [b, a]
    while offset < 32 * MiB:
        node = turn[(offset // PATCH_BYTES) % 2]
        answer = send(session, node.url(location), offset=offset, data=data[offset : offset + PATCH_BYTES])
        assert answer.status_code == 204, (node.base, offset, answer.text)
        offset = int(answer.headers["Upload-Offset"])

    # Node a dies (kill -9) in the middle of a PATCH: half its body sent, nothing of it answered.
    doomed = socket.create_connection(("127.0.0.1", a.port), timeout=30)
    doomed.sendall(patch_head(session, a.url(location), offset=offset, length=PATCH_BYTES)
                   + data[offset : offset + 2 * MiB])
    time.sleep(1)
    a.kill()
    doomed.close()

    # The entrant's client asks node b where to go on, and finishes there.
    offset = wait_until(lambda: server_offset(session, b.url(location)), timeout=30, message="node b's HEAD")
    assert offset == 32 * MiB  # what node a had not kept is sent again; nothing is counted twice
    while offset < len(data):
        answer = send(session, b.url(location), offset=offset, data=data[offset : offset + PATCH_BYTES])
        if answer.status_code == 409 and "another window" in answer.text:
            time.sleep(0.5)  # PostgreSQL is still letting go of the dead node's lock
            continue
        assert answer.status_code == 204, (offset, answer.text)
        offset = int(answer.headers["Upload-Offset"])

    upload.refresh_from_db()
    assert upload.status == UploadStatus.COMPLETE
    asset = MediaAsset.objects.get(upload=upload)
    assert asset.sha256 == sha256(data)
    stored = bucket.get_object(Bucket=BUCKET, Key=f"private/{asset.file.name}")["Body"].read()
    assert sha256(stored) == sha256(data)
    # One file in storage, no parts, no tail; its key names neither the entry nor the file sent.
    assert keys(bucket, "") == [f"private/{asset.file.name}"]
    assert unfinished_uploads(bucket) == []
    assert entry.reference not in asset.file.name and "film" not in asset.file.name


def test_an_idle_upload_in_s3_leaves_no_parts_and_no_tail_when_it_expires(private_on_s3, bucket, demo, tmp_path):  # noqa: F811
    data = large_video(tmp_path, 12 * MiB)
    entry = video_entry(demo)
    upload = uploads.start_upload(entry=entry, owner=entry.entrant, length=len(data), filename="film.mp4",
                                  declared_type="video/mp4", now=timezone.now())
    for offset in (0, 4 * MiB, 8 * MiB):  # a tail, then a part, then a tail again
        piece = data[offset : offset + 3 * MiB if offset == 8 * MiB else offset + 4 * MiB]
        uploads.append(upload=upload, offset=offset, read=io.BytesIO(piece).read, length=len(piece), checksum=None,
                       now=timezone.now())
    assert Upload.objects.get(pk=upload.pk).offset == 11 * MiB
    assert unfinished_uploads(bucket) and keys(bucket, "private/uploads/")

    Upload.objects.filter(pk=upload.pk).update(updated_at=timezone.now() - timedelta(days=2))
    assert uploads.remove_idle_uploads(now=timezone.now()) == 1

    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.EXPIRED
    assert unfinished_uploads(bucket) == []
    assert keys(bucket, "") == []


def test_on_s3_a_dropped_connection_keeps_what_arrived_and_damaged_bytes_keep_nothing(private_on_s3, bucket, demo,  # noqa: F811
                                                                                      tmp_path):
    from tests.submissions.test_upload_disk import Connection
    from tests.uploading import sha1_header

    data = large_video(tmp_path, 14 * MiB)
    entry = video_entry(demo)
    upload = uploads.start_upload(entry=entry, owner=entry.entrant, length=len(data), filename="film.mp4",
                                  declared_type="video/mp4", now=timezone.now())

    # 8 MiB sent, the phone loses its signal after 6: those 6 are kept (a part), the rest is sent again.
    body = Connection(data[: 8 * MiB], [64 * 1024] * 200, drops_after=6 * MiB)
    uploads.append(upload=upload, offset=0, readinto=body.readinto, length=8 * MiB, checksum=None, now=timezone.now())
    assert Upload.objects.get(pk=upload.pk).offset == 6 * MiB

    # A PATCH whose bytes arrive damaged keeps nothing of them.
    piece = data[6 * MiB : 10 * MiB]
    with pytest.raises(uploads.ChecksumMismatch):
        uploads.append(upload=upload, offset=6 * MiB, read=io.BytesIO(b"x" + piece[1:]).read, length=len(piece),
                       checksum=sha1_header(piece), now=timezone.now())
    assert uploads.current_offset(Upload.objects.get(pk=upload.pk)) == 6 * MiB

    for start_at, end in ((6 * MiB, 10 * MiB), (10 * MiB, len(data))):
        piece = data[start_at:end]
        uploads.append(upload=upload, offset=start_at, read=io.BytesIO(piece).read, length=len(piece),
                       checksum=sha1_header(piece), now=timezone.now())
    asset = MediaAsset.objects.get(upload=upload)
    assert asset.sha256 == sha256(data)
    assert keys(bucket, "") == [f"private/{asset.file.name}"] and unfinished_uploads(bucket) == []


def test_on_s3_a_patch_is_sent_on_in_parts_without_gathering_its_bytes_in_the_heap(private_on_s3, bucket, demo,  # noqa: F811
                                                                                   tmp_path):
    """A PATCH's bytes pass through a little scratch memory into its thread's part file on the node's disk, and
    S3 reads the part from the file: no copy of a part is made in the heap, where each PATCH used to gather its
    own 8 MiB."""
    import tracemalloc

    from tests.submissions.test_upload_disk import Connection

    data = large_video(tmp_path, 27 * MiB + 4321)
    entry = video_entry(demo)
    upload = uploads.start_upload(entry=entry, owner=entry.entrant, length=len(data), filename="film.mp4",
                                  declared_type="video/mp4", now=timezone.now())
    peaks = []
    # 9 MiB PATCHes (as nginx passes a slow phone's chunk on at once, in large reads): a part and a tail each time.
    for offset in range(0, len(data), 9 * MiB):
        body = Connection(data[offset : offset + 9 * MiB], [4 * MiB] * 4)
        tracemalloc.start()
        try:
            uploads.append(upload=upload, offset=offset, readinto=body.readinto, length=len(body.data),
                           checksum=None, now=timezone.now())
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.COMPLETE
    asset = MediaAsset.objects.get(upload=upload)
    assert asset.sha256 == sha256(data)
    assert sha256(bucket.get_object(Bucket=BUCKET, Key=f"private/{asset.file.name}")["Body"].read()) == sha256(data)
    # What a PATCH allocated at most while it ran: the blocks botocore reads to sign and send, never the part.
    assert max(peaks) < shared_uploads.PART_BYTES / 3, [round(peak / MiB, 1) for peak in peaks]


def test_on_s3_a_node_with_no_room_for_a_part_refuses_the_patch_before_taking_it_and_s3_keeps_the_rest(
    private_on_s3, bucket, demo, tmp_path, settings  # noqa: F811
):
    """A part waits in a file on the node's disk until it is sent. With no room there for one, the PATCH is
    refused (507, try again later) before any of its bytes is taken: what S3 holds stays the upload's offset,
    and the same PATCH goes through once there is room."""
    from django.db import connection

    from tests.submissions.test_outage_disk import Tmpfs

    data = large_video(tmp_path, 12 * MiB + 4321)
    entry = video_entry(demo)
    upload = uploads.start_upload(entry=entry, owner=entry.entrant, length=len(data), filename="film.mp4",
                                  declared_type="video/mp4", now=timezone.now())

    def patch(offset: int) -> uploads.UploadProblem | None:
        """One PATCH of the rest of the file, in a thread of its own, as each of gunicorn's has its part file."""
        refused = []

        def send_rest() -> None:
            try:
                uploads.append(upload=Upload.objects.get(pk=upload.pk), offset=offset,
                               read=io.BytesIO(data[offset:]).read, length=len(data) - offset, checksum=None,
                               now=timezone.now())
            except uploads.UploadProblem as problem:
                refused.append(problem)
            finally:
                connection.close()

        thread = threading.Thread(target=send_rest)
        thread.start()
        thread.join()
        return refused[0] if refused else None

    first = Upload.objects.get(pk=upload.pk)
    uploads.append(upload=first, offset=0, read=io.BytesIO(data[: 9 * MiB]).read, length=9 * MiB, checksum=None,
                   now=timezone.now())  # a part of 8 MiB in S3, and a tail of 1 MiB
    disk = Tmpfs(tmp_path / "full-disk", "4m")  # less than a part
    try:
        settings.UPLOAD_TEMP_DIR = disk.folder
        refused = patch(9 * MiB)
        assert isinstance(refused, uploads.StorageFull) and refused.status == 507
        assert refused.offset == 9 * MiB and "try again later" in refused.message
        assert shared_uploads.read_state(upload).offset == Upload.objects.get(pk=upload.pk).offset == 9 * MiB
        assert list(disk.folder.iterdir()) == [], "no part file left behind"

        disk.remount("size=64m")
        assert patch(9 * MiB) is None
    finally:
        disk.unmount()
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.COMPLETE
    assert MediaAsset.objects.get(upload=upload).sha256 == sha256(data)
