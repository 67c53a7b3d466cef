"""Unfinished uploads in the shared storage (S3), so any web node takes any PATCH and none holds an upload's state.

Modelled on tusd's S3 store. Each upload is an S3 multipart upload to its
final key, opened when the upload starts. A PATCH's bytes become parts of at
least S3's minimum part size; what is left under it at the end of a PATCH is
kept as an object of its own, the tail, which the next PATCH (on any node)
reads back and sends on in front of its own bytes. The last PATCH sends what
is left as the last part and completes the upload: the object appears whole,
at once, under its final key.

S3 is the truth for how many bytes the server has: the parts listed plus the
tail. A tail is named after the part it will start (`tail-00007`), so a tail
already sent inside a part is recognisable as stale at any instant, even if
its node died before deleting it, and no byte is counted twice. The row's
offset repeats the truth for the pages, and is corrected whenever S3 shows
more (a node that died after sending a part but before writing the row).

One PATCH at a time per upload, across nodes: the node takes a PostgreSQL
advisory lock for the request; a second PATCH gets 409. A node killed with
the lock loses its database connection, and PostgreSQL lets the lock go.
"""

import hashlib
import io
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection

from . import files

logger = logging.getLogger(__name__)

# S3 refuses parts under 5 MiB, except the last one.
MIN_PART_BYTES = 5 * 1024 * 1024
# A part is sent once this much has gathered, in its thread's part file on the node's disk.
PART_BYTES = 8 * 1024 * 1024
# The memory a PATCH's bytes pass through on their way to the part file.
SCRATCH_BYTES = 256 * 1024
HEAD_BYTES = 64 * 1024
READ_BYTES = 4 * 1024 * 1024
# Read at a time from an object in S3: a tail taken up by the next PATCH, a finished file hashed again.
STREAM_READ_BYTES = 256 * 1024
# With a checksum, a PATCH's bytes are checked before any is kept; this much stays in memory, the rest spills.
CHECKED_IN_MEMORY_BYTES = 16 * 1024 * 1024


def enabled() -> bool:
    """Unfinished uploads live in the shared storage whenever the private storage is S3."""
    from .media.serve import is_s3

    return is_s3(storages[files.PRIVATE])


class _Bucket:
    """The private storage's S3 client, bucket and key prefix."""

    def __init__(self) -> None:
        storage = storages[files.PRIVATE]
        self.storage = storage
        self.client = storage.connection.meta.client
        self.name = storage.bucket_name

    def key(self, name: str) -> str:
        return self.storage._normalize_name(name)


def final_name(upload) -> str:
    """Where the finished file will be, in the private storage: the upload's own folder, named after nothing."""
    return f"{files.original_folder(upload.id)}/original"


def _tails_prefix(upload) -> str:
    return f"uploads/{upload.id.hex}/tail-"


def _tail_name(upload, part_number: int) -> str:
    return f"{_tails_prefix(upload)}{part_number:05d}"


# --- Opening and reading the state ---------------------------------------------
def open_upload(upload) -> str:
    """Start the multipart upload; its id goes on the row."""
    bucket = _Bucket()
    # The owner-only ACL is the one every bucket accepts (ACLs disabled or not); some S3 servers would otherwise
    # make a joined object readable by anyone.
    answer = bucket.client.create_multipart_upload(
        Bucket=bucket.name, Key=bucket.key(final_name(upload)), ContentType="application/octet-stream",
        ACL="bucket-owner-full-control",
    )
    return answer["UploadId"]


@dataclass
class State:
    """What S3 holds of an upload: its parts (number, ETag, size) and the tail after them."""

    parts: list[tuple[int, str, int]] = field(default_factory=list)
    tail_size: int = 0
    stale_tails: list[str] = field(default_factory=list)

    @property
    def next_part(self) -> int:
        return (self.parts[-1][0] if self.parts else 0) + 1

    @property
    def offset(self) -> int:
        return sum(size for _number, _etag, size in self.parts) + self.tail_size


class NoSuchUpload(Exception):
    """The multipart upload is gone: completed by an attempt whose database commit failed, or aborted."""


def read_state(upload) -> State:
    bucket = _Bucket()
    state = State()
    marker = 0
    while True:
        try:
            answer = bucket.client.list_parts(
                Bucket=bucket.name, Key=bucket.key(final_name(upload)), UploadId=upload.storage_upload_id,
                PartNumberMarker=marker,
            )
        except bucket.client.exceptions.NoSuchUpload:
            raise NoSuchUpload from None
        state.parts += [(p["PartNumber"], p["ETag"], p["Size"]) for p in answer.get("Parts", [])]
        if not answer.get("IsTruncated"):
            break
        marker = answer["NextPartNumberMarker"]
    state.parts.sort()
    for name, size in _tails(bucket, upload):
        if name == _tail_name(upload, state.next_part):
            state.tail_size = size
        else:
            state.stale_tails.append(name)
    return state


def _tails(bucket: _Bucket, upload) -> list[tuple[str, int]]:
    prefix = bucket.key(_tails_prefix(upload))
    answer = bucket.client.list_objects_v2(Bucket=bucket.name, Prefix=prefix)
    cut = len(bucket.key(""))
    return [(item["Key"][cut:].lstrip("/"), item["Size"]) for item in answer.get("Contents", [])]


# --- One PATCH ---------------------------------------------------------------
@contextmanager
def one_patch_at_a_time(upload):
    """Held for a PATCH: yields False when another request (on any node) holds this upload."""
    if connection.vendor != "postgresql":  # one node only (SQLite): a lock in this process will do
        lock = _local_locks.setdefault(upload.id, threading.Lock())
        taken = lock.acquire(blocking=False)
        try:
            yield taken
        finally:
            if taken:
                lock.release()
        return
    key = int.from_bytes(upload.id.bytes[:8], "big", signed=True)  # a signed 64-bit number, from the random id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


_local_locks: dict = {}


class Receiver:
    """Takes a PATCH's bytes in order and keeps them in S3 as parts and a tail.

    The bytes pass through this server thread's scratch memory (`room`, then
    `took`) into its part file; a full part is sent to S3 from the file. A
    refusal by S3, or by the node's disk, raises, and what was kept before it
    is read again from S3 by the caller.
    """

    def __init__(self, upload, state: State, *, digests: list) -> None:
        self.upload, self.state, self.digests = upload, state, digests
        self.bucket = _Bucket()
        self.part, self.scratch = _part_file.get()
        self.filled = 0
        self.sent_parts: list[tuple[int, str, int]] = []
        if state.tail_size:
            tail = _tail_name(upload, state.next_part)
            body = self.bucket.client.get_object(Bucket=self.bucket.name, Key=self.bucket.key(tail))["Body"]
            while block := body.read(STREAM_READ_BYTES):
                self._write(memoryview(block))

    def room(self) -> memoryview:
        """Where the next bytes of the body go: the scratch memory, no more than the part still takes."""
        return self.scratch[: PART_BYTES - self.filled]

    def took(self, count: int) -> None:
        """`count` bytes were read into `room()`: hash them, add them to the part, and send it once it is full."""
        piece = self.scratch[:count]
        for digest in self.digests:
            digest.update(piece)
        self._write(piece)
        if self.filled == PART_BYTES:
            self._send_part()

    def _write(self, piece: memoryview) -> None:
        while piece:
            written = os.pwrite(self.part, piece, self.filled)
            self.filled += written
            piece = piece[written:]

    def _gathered(self) -> "_PartReader":
        return _PartReader(self.part, self.filled)

    def _send_part(self) -> None:
        number = self.state.next_part + len(self.sent_parts)
        answer = self.bucket.client.upload_part(
            Bucket=self.bucket.name, Key=self.bucket.key(final_name(self.upload)),
            UploadId=self.upload.storage_upload_id, PartNumber=number, Body=self._gathered(),
        )
        self.sent_parts.append((number, answer["ETag"], self.filled))
        self.filled = 0

    def close(self, *, last: bool) -> None:
        """Keep what is gathered: as the last part, as a part if large enough, else as the new tail."""
        if self.filled and (last or self.filled >= MIN_PART_BYTES):
            self._send_part()
        next_part = self.state.next_part + len(self.sent_parts)
        if self.filled:
            self.bucket.client.put_object(
                Bucket=self.bucket.name, Key=self.bucket.key(_tail_name(self.upload, next_part)),
                Body=self._gathered(),
            )
        # Tails now inside a part are stale: deleted after, so a node dying here counts no byte twice.
        keep = _tail_name(self.upload, next_part) if self.filled else None
        stale = set(self.state.stale_tails)
        if self.state.tail_size:
            stale.add(_tail_name(self.upload, self.state.next_part))
        for name in sorted(stale - {keep}):
            self.bucket.client.delete_object(Bucket=self.bucket.name, Key=self.bucket.key(name))
        self.state = State(parts=self.state.parts + self.sent_parts, tail_size=self.filled)


class _PartFile(threading.local):
    """One server thread's part in the making, in a file of its own on the node's disk, as tusd's S3 store keeps
    its parts: the room for a whole part is reserved at the thread's first upload, and serves every PATCH after.

    A PATCH's bytes pass through SCRATCH_BYTES of memory on their way to the
    file, so the part itself is never in a process's memory: at a rush, a
    node taking eight PATCHes at once held eight parts of 8 MiB (B8).
    The kernel keeps the file's recent pages in its cache, which it can take
    back. The room is reserved up front, so a full disk refuses a PATCH
    before any of its bytes is read, never half-way. The file has no name:
    it goes with its thread, or its process.
    """

    def get(self) -> tuple[int, memoryview]:
        """The part file's descriptor and the scratch memory."""
        if not hasattr(self, "file"):
            folder = Path(settings.UPLOAD_TEMP_DIR)
            folder.mkdir(parents=True, exist_ok=True)
            file = tempfile.TemporaryFile(dir=folder)
            try:
                os.posix_fallocate(file.fileno(), 0, PART_BYTES)
            except OSError:
                file.close()
                raise
            self.file, self.scratch = file, memoryview(bytearray(SCRATCH_BYTES))
        return self.file.fileno(), self.scratch


_part_file = _PartFile()


class _PartReader(io.RawIOBase):
    """The first `size` bytes of a part file, as a file botocore can read, measure and rewind (to sign, checksum,
    send and retry): each read takes the block asked for from the file, and nothing more stays in memory."""

    def __init__(self, descriptor: int, size: int) -> None:
        super().__init__()
        self.descriptor, self.size, self.position = descriptor, size, 0

    def __len__(self) -> int:
        return self.size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        block = os.pread(self.descriptor, end - self.position, self.position) if end > self.position else b""
        self.position += len(block)
        return block

    def readinto(self, target) -> int:
        count = max(0, min(len(target), self.size - self.position))
        got = os.preadv(self.descriptor, [memoryview(target)[:count]], self.position) if count else 0
        self.position += got
        return got

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position


def checked_body(readinto: Callable[[memoryview], int], remaining: int, hasher) -> tuple[Callable, int, bool]:
    """A PATCH with a checksum is read whole first (memory, then a scratch file of this request), so that
    bytes that arrived damaged are never kept. Returns a reader of the checked bytes, how many did not come,
    and whether the digest matched."""
    spool = tempfile.SpooledTemporaryFile(max_size=CHECKED_IN_MEMORY_BYTES)
    scratch = memoryview(bytearray(READ_BYTES))
    while remaining > 0:
        try:
            got = readinto(scratch[: min(len(scratch), remaining)])
        except OSError:  # the connection dropped: the bytes are short, and the checksum cannot match
            break
        if not got:
            break
        hasher.update(scratch[:got])
        spool.write(scratch[:got])
        remaining -= got
    spool.seek(0)

    def read_checked(view: memoryview) -> int:
        return spool.readinto(view)

    return read_checked, remaining, spool


# --- Finishing ---------------------------------------------------------------
def complete(upload, state: State) -> None:
    bucket = _Bucket()
    bucket.client.complete_multipart_upload(
        Bucket=bucket.name, Key=bucket.key(final_name(upload)), UploadId=upload.storage_upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag, _size in state.parts]},
    )
    for name, _size in _tails(bucket, upload):
        bucket.client.delete_object(Bucket=bucket.name, Key=bucket.key(name))


def stored_size(upload) -> int | None:
    """The finished object's size, or None when there is none."""
    storage = storages[files.PRIVATE]
    name = final_name(upload)
    return storage.size(name) if storage.exists(name) else None


def head(upload) -> bytes:
    bucket = _Bucket()
    answer = bucket.client.get_object(
        Bucket=bucket.name, Key=bucket.key(final_name(upload)), Range=f"bytes=0-{HEAD_BYTES - 1}"
    )
    return answer["Body"].read()


def sha256(upload) -> str:
    """The finished object's SHA-256, read from S3 as a stream: the storage's own `open` would first download
    the whole file into this process's memory, with a pool of transfer threads."""
    bucket = _Bucket()
    body = bucket.client.get_object(Bucket=bucket.name, Key=bucket.key(final_name(upload)))["Body"]
    digest = hashlib.sha256()
    for block in body.iter_chunks(STREAM_READ_BYTES):
        digest.update(block)
    return digest.hexdigest()


# --- Giving up -----------------------------------------------------------------
def discard(upload, *, finished_too: bool = False) -> None:
    """Abort the multipart upload (its parts go) and delete the tails; with `finished_too`, a finished object no
    row names (an attempt to finish whose commit failed). Any worker can do it: nothing is on a node's disk."""
    bucket = _Bucket()
    if upload.storage_upload_id:
        try:
            bucket.client.abort_multipart_upload(
                Bucket=bucket.name, Key=bucket.key(final_name(upload)), UploadId=upload.storage_upload_id
            )
        except bucket.client.exceptions.NoSuchUpload:
            pass  # completed or aborted already
    for name, _size in _tails(bucket, upload):
        bucket.client.delete_object(Bucket=bucket.name, Key=bucket.key(name))
    if finished_too:
        bucket.client.delete_object(Bucket=bucket.name, Key=bucket.key(final_name(upload)))
