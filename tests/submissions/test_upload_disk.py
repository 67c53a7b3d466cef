"""How an upload's bytes reach the disk: in pieces of any size, at any offset.

The server fills one buffer from the socket while it writes and hashes the
one before, in helper threads (submissions/uploads.py). Whatever the pieces
a phone's connection delivers, and wherever it drops, the stored file must
be the bytes that arrived, in order, and the recorded SHA-256 must be theirs.
"""

import hashlib
import os

import pytest
from django.utils import timezone

from contest.enums import MediaKind
from submissions import uploads
from submissions.enums import UploadStatus
from submissions.models import MediaAsset, Upload
from tests.submissions.processing_helpers import demo_contest, draft

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


class Connection:
    """A request body that arrives in the given sizes, then, if told to, breaks as a lost connection does."""

    def __init__(self, data: bytes, sizes: list[int], *, drops_after: int | None = None) -> None:
        self.data, self.sizes, self.sent, self.drops_after = memoryview(data), list(sizes), 0, drops_after

    def readinto(self, view: memoryview) -> int:
        if self.drops_after is not None and self.sent >= self.drops_after:
            raise ConnectionResetError("the phone lost its signal")
        want = min(len(view), self.sizes.pop(0) if self.sizes else len(view), len(self.data) - self.sent)
        if self.drops_after is not None:
            want = min(want, self.drops_after - self.sent)
        view[:want] = self.data[self.sent : self.sent + want]
        self.sent += want
        return want


@pytest.fixture
def film() -> bytes:
    """Nine and a bit MiB that sniff as an MP4: more than two of the server's 4 MiB buffers, and an odd length."""
    return MP4_HEAD + os.urandom(9 * 1024 * 1024 + 12345)


def started(film: bytes) -> Upload:
    entry = draft(demo_contest(), kind=MediaKind.VIDEO)
    return uploads.start_upload(
        entry=entry, owner=entry.entrant, length=len(film), filename="walk.mp4", declared_type="", now=timezone.now()
    )


def patch(upload: Upload, film: bytes, start: int, end: int, **connection) -> Upload:
    body = Connection(film[start:end], **connection)
    return uploads.append(
        upload=upload, offset=start, readinto=body.readinto, length=end - start, checksum=None, now=timezone.now()
    )


def test_pieces_of_odd_sizes_at_odd_offsets_are_stored_exactly_with_their_sha256(film):
    upload = started(film)
    # PATCHes that start anywhere, and socket reads of every awkward size inside them.
    cuts = [0, 1, 4095, 4096 * 3 + 7, 5 * 1024 * 1024 + 1, len(film)]
    for start, end in zip(cuts, cuts[1:], strict=False):
        upload = patch(upload, film, start, end, sizes=[1, 4095, 4097, 3 * 1024 * 1024 + 5, 1 << 30])
        assert upload.offset == end

    asset = MediaAsset.objects.get(upload=upload)
    assert asset.sha256 == hashlib.sha256(film).hexdigest()
    with asset.file.open("rb") as stored:
        assert stored.read() == film
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.COMPLETE


@pytest.mark.parametrize("drop_at", [4096 * 1024 * 2, 4096 * 1024 + 999, 77], ids=["on-a-piece", "mid-piece", "early"])
def test_a_connection_lost_mid_piece_keeps_every_byte_that_arrived_and_the_upload_resumes_from_there(film, drop_at):
    upload = started(film)
    first = 12_345  # an odd first PATCH, so the lost one starts at an odd offset
    upload = patch(upload, film, 0, first, sizes=[first])
    upload = patch(upload, film, first, len(film), sizes=[65536] * 1000, drops_after=drop_at)

    have = first + drop_at
    assert upload.offset == have
    assert uploads.temp_path(upload).read_bytes() == film[:have]
    assert Upload.objects.get(pk=upload.pk).offset == have

    upload = patch(upload, film, have, len(film), sizes=[1 << 30])
    asset = MediaAsset.objects.get(upload=upload)
    assert asset.sha256 == hashlib.sha256(film).hexdigest()
    with asset.file.open("rb") as stored:
        assert stored.read() == film


def test_a_web_node_deletes_its_own_idle_upload_files_when_it_next_starts_an_upload(film, settings, tmp_path):
    """Without S3 the bytes are on the node that took them, so that node cleans them, not a worker elsewhere."""
    settings.UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    uploads._idle_checked["at"] = None
    idle = started(film)
    patch(idle, film, 0, 1000, sizes=[1000])
    Upload.objects.filter(pk=idle.pk).update(status=UploadStatus.EXPIRED)  # a worker expired it, on its own disk
    assert uploads.temp_path(idle).exists()

    uploads._idle_checked["at"] = None  # the node looks once an hour: an hour later
    fresh = started(film)

    assert not uploads.temp_path(idle).exists()
    assert uploads.temp_path(fresh).exists()
