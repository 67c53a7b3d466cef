"""Resumable uploads: bytes are kept as they arrive; the last byte makes them an entry's file.

On local disk (the embedded mode) the bytes go to a temporary file on the
node, which is the truth for how many bytes the server has; the database row
repeats it for the pages. With the private storage on S3 they go to the
shared storage instead (shared_uploads.py), so any web node takes any PATCH
and an upload outlives the node that took its first bytes. Finishing sniffs the real format,
hashes the bytes and hands the file to the private storage, which on local
disk is a rename, so each byte is written once (S3 receives it once more).

A disk that is full or failing is told to the entrant (507 or 503) and to the
log, and keeps what it had: the offset stays the bytes truly written. The
file is stored under a name made from the upload's id, so finishing again
after a failure replaces any partial copy instead of leaving one beside it.
"""

import base64
import binascii
import errno
import fcntl
import hashlib
import itertools
import logging
import mmap
import os
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.text import FILE_NAME_DIRECTION_MESSAGE, changes_direction, clean_file_name, clean_line
from contest.deadlines import Verdict
from contest.describe import size_in_words

from . import files, rules, shared_uploads
from .enums import EntryStatus, UploadStatus
from .media import jobs
from .models import Entry, MediaAsset, Upload
from .sniff import sniff_format, sniff_head

logger = logging.getLogger(__name__)

READ_BYTES = 4 * 1024 * 1024
# A request's bytes move in pieces: one is filled from the socket while the one before is written and hashed.
PIECES, PIECE_BYTES = 2, 4 * 1024 * 1024
# How far behind the newest byte a file's pages are assumed to be on the disk, and dropped from the cache.
WRITTEN_BACK_BYTES = 16 * 1024 * 1024
_fadvise = getattr(os, "posix_fadvise", None)  # not on macOS: there the page cache does as it likes
# No upload is larger than this (1 TiB), whatever a category allows: a larger Upload-Length is a mistake or an attack.
SANE_LENGTH = 2**40
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}


class UploadProblem(Exception):
    """A request the upload cannot take; `status` is the HTTP answer, the message says what to do."""

    status = 400

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class TooLarge(UploadProblem):
    status = 413


class WrongOffset(UploadProblem):
    status = 409


class Busy(UploadProblem):
    status = 409


class Unsupported(UploadProblem):
    status = 415


class Closed(UploadProblem):
    status = 403


class Gone(UploadProblem):
    status = 410


class ChecksumMismatch(UploadProblem):
    status = 460


class StorageFull(UploadProblem):
    """No room left on the disk that takes the bytes: what arrived before stays, and the upload resumes later."""

    status = 507


class StorageFailing(UploadProblem):
    """The disk or the storage refuses writes (read-only, failing, unreachable)."""

    status = 503


FULL = (errno.ENOSPC, errno.EDQUOT)
try:  # S3's errors when the storage cannot take the file; botocore is there whenever S3 is used.
    from botocore.exceptions import BotoCoreError, ClientError

    S3_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - botocore is a dependency of django-storages[s3]
    S3_ERRORS = ()
STORAGE_ERRORS = (OSError, *S3_ERRORS)


class _WriteFailed(Exception):
    """The disk refused a write (not the connection): `written_to` is where the bytes in order end."""

    def __init__(self, error: OSError, written_to: int) -> None:
        super().__init__(str(error))
        self.error, self.written_to = error, written_to


def _storage_problem(error: Exception, kept: int, total: int) -> UploadProblem:
    """The entrant's message for a disk or storage that refused their bytes; the log has the details."""
    kept_words = {"kept": size_in_words(kept), "total": size_in_words(total)}
    if isinstance(error, OSError) and error.errno in FULL:
        return StorageFull(
            _(
                "The server has run out of room for uploads. This is a problem on our side, not with your file. "
                "The %(kept)s of %(total)s already received are kept: try again later and the upload carries on "
                "from there."
            )
            % kept_words,
            offset=kept,
        )
    return StorageFailing(
        _(
            "The server cannot store files at the moment. This is a problem on our side, not with your file. "
            "The %(kept)s of %(total)s already received are kept: try again later and the upload carries on "
            "from there."
        )
        % kept_words,
        offset=kept,
    )


class _RunningHash:
    """The SHA-256 of an upload's bytes so far, fed as they are written.

    Kept in this process between requests, keyed by upload and offset; a request
    that lands in another process finds none, and the file is hashed when it ends.
    """

    _kept: dict = {}
    _lock = threading.Lock()
    LIMIT = 1000

    def __init__(self, digest=None) -> None:
        self.digest = digest or hashlib.sha256()

    @classmethod
    def resume(cls, upload: Upload, offset: int) -> "_RunningHash | None":
        with cls._lock:
            kept = cls._kept.pop(upload.pk, None)
        if offset == 0:
            return cls()
        return cls(kept[1]) if kept and kept[0] == offset else None

    def keep(self, upload: Upload, offset: int) -> None:
        with self._lock:
            if len(self._kept) >= self.LIMIT:
                self._kept.pop(next(iter(self._kept)))
            self._kept[upload.pk] = (offset, self.digest)

    @classmethod
    def take(cls, upload: Upload, offset: int) -> str | None:
        with cls._lock:
            kept = cls._kept.pop(upload.pk, None)
        return kept[1].hexdigest() if kept and kept[0] == offset else None


class _PartFile(File):
    """A finished temporary file: FileSystemStorage moves it into place instead of copying it."""

    def temporary_file_path(self) -> str:
        return self.file.name


def temp_path(upload: Upload) -> Path:
    return Path(settings.UPLOAD_TEMP_DIR) / f"{upload.pk}.part"


def expires_at(upload: Upload) -> datetime:
    return upload.updated_at + timedelta(hours=settings.UPLOAD_IDLE_HOURS)


def _draft_only() -> Closed:
    return Closed(_("Files can be added to a draft only. Take the entry back to a draft first."))


def _require(verdict: Verdict) -> None:
    if not verdict:
        raise Closed(verdict.reason)


@transaction.atomic
def start_upload(*, entry: Entry, owner, length: int, filename: str, declared_type: str, now: datetime) -> Upload:
    """Open a new upload for an entry, checking its size against the category before any byte is sent."""
    if entry.entrant_id != owner.pk:
        raise UploadProblem(_("This is not your entry."))
    _require(rules.may_upload(owner, entry, now=now))
    if changes_direction(filename):
        raise UploadProblem(str(FILE_NAME_DIRECTION_MESSAGE))
    category = entry.category
    if length > SANE_LENGTH:
        # Told as the limit: "9313225746154785439172786126848 GB" helps nobody.
        raise TooLarge(
            _("This file is larger than %(limit)s, the most files in “%(category)s” may be.")
            % {"limit": size_in_words(category.max_size_bytes or SANE_LENGTH), "category": category.title}
        )
    if category.max_size_bytes and length > category.max_size_bytes:
        raise TooLarge(
            _("This file is %(size)s; files in “%(category)s” may be at most %(limit)s.")
            % {
                "size": size_in_words(length),
                "category": category.title,
                "limit": size_in_words(category.max_size_bytes),
            }
        )
    if length <= 0:
        raise UploadProblem(_("This file is empty. Choose the file again."))
    upload = Upload.objects.create(
        entry=entry,
        owner=owner,
        length=length,
        filename=clean_file_name(filename, fallback=""),
        declared_type=clean_line(declared_type)[:100],
        created_at=now,
        updated_at=now,
    )
    if shared_uploads.enabled():
        try:
            upload.storage_upload_id = shared_uploads.open_upload(upload)
        except S3_ERRORS as error:  # the row goes with the transaction
            logger.error("private storage: cannot open an upload: %s", error)
            raise _storage_problem(error, 0, length) from error
        upload.save(update_fields=["storage_upload_id"])
        return upload
    _remove_idle_files_now_and_then(now)
    path = temp_path(upload)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=False)
    except OSError as error:  # the row goes with the transaction
        logger.error("upload folder: cannot create an upload's file: %s", error)
        raise _storage_problem(error, 0, length) from error
    return upload


def _parse_checksum(header: str | None):
    if not header:
        return None
    algorithm, _space, encoded = header.partition(" ")
    if algorithm not in CHECKSUMS:
        raise UploadProblem(_("Unknown checksum algorithm; use sha1, sha256 or md5."))
    try:
        return algorithm, base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise UploadProblem(_("The checksum is not valid base64.")) from None


def append(
    *,
    upload: Upload,
    offset: int,
    read: Callable[[int], bytes] | None = None,
    readinto: Callable[[memoryview], int] | None = None,
    length: int | None,
    checksum: str | None,
    now: datetime,
    by=None,
) -> Upload:
    """Write bytes at `offset`. A dropped connection keeps what arrived, so the client can resume from there."""
    if upload.status != UploadStatus.RECEIVING:
        raise Gone(_("This upload has ended. Start it again."))
    _require(rules.may_continue_upload(by or upload.owner, upload, now=now))
    expected = _parse_checksum(checksum)
    if readinto is None:
        readinto = filler(read)
    if upload.storage_upload_id:
        return _append_shared(
            upload=upload, offset=offset, readinto=readinto, length=length, expected=expected, now=now
        )
    path = temp_path(upload)
    if not path.exists():
        raise Gone(_("This upload has expired. Start it again."))
    with open(path, "r+b", buffering=0) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(_("This file is already being sent from another window.")) from None
        have = handle.seek(0, os.SEEK_END)
        if offset != have:
            raise WrongOffset(
                _("The server has %(have)s bytes of this file, not %(offset)s: resume from there.")
                % {"have": have, "offset": offset},
                offset=have,
            )
        if length is not None and offset + length > upload.length:
            raise TooLarge(_("More bytes were sent than the file's declared size."))
        hasher = CHECKSUMS[expected[0]]() if expected else None
        running = _RunningHash.resume(upload, offset)
        remaining = upload.length - offset if length is None else length
        digests = [d for d in (running and running.digest, hasher) if d]
        try:
            remaining = _receive(handle, readinto, remaining, digests)
        except _WriteFailed as failure:
            # Whatever came after the first refused byte is dropped, so the offset is the bytes in order on disk.
            handle.truncate(failure.written_to)
            logger.error(
                "upload %s: the upload folder refused a write at %s bytes: %s", upload.pk, failure.written_to,
                failure.error,
            )
            Upload.objects.filter(pk=upload.pk).update(offset=failure.written_to, updated_at=now)
            upload.offset = failure.written_to
            _discard(readinto)  # so the answer reaches the client, and the connection can serve its next request
            raise _storage_problem(failure.error, failure.written_to, upload.length) from failure.error
        except OSError:
            logger.info("upload %s: connection dropped at %s bytes", upload.pk, handle.tell())
        if expected and (remaining or hasher.digest() != expected[1]):
            handle.truncate(offset)
            raise ChecksumMismatch(_("The bytes arrived damaged; send this part again."), offset=offset)
        received = handle.tell()
        if running:
            running.keep(upload, received)
    Upload.objects.filter(pk=upload.pk).update(offset=received, updated_at=now)
    upload.offset, upload.updated_at = received, now
    if received == upload.length:
        finish(upload=Upload.objects.select_related("entry__contest", "entry__category").get(pk=upload.pk), now=now)
        upload.status = UploadStatus.COMPLETE
    return upload


def _append_shared(
    *, upload: Upload, offset: int, readinto: Callable[[memoryview], int], length: int | None, expected, now: datetime
) -> Upload:
    """`append` with the bytes in the shared storage: under a lock that holds across nodes, S3 says what is there."""
    with shared_uploads.one_patch_at_a_time(upload) as mine:
        if not mine:
            raise Busy(_("This file is already being sent from another window."))
        try:
            state = shared_uploads.read_state(upload)
        except shared_uploads.NoSuchUpload:
            if upload.offset == upload.length:  # every byte is in: finishing it is what is left (HEAD does it)
                raise WrongOffset(_("The server has all of this file."), offset=upload.offset) from None
            raise Gone(_("This upload has expired. Start it again.")) from None
        except S3_ERRORS as error:
            logger.error("upload %s: the private storage did not answer: %s", upload.pk, error)
            raise _storage_problem(error, upload.offset, upload.length) from error
        _record_offset(upload, state.offset, now)
        if offset != state.offset:
            raise WrongOffset(
                _("The server has %(have)s bytes of this file, not %(offset)s: resume from there.")
                % {"have": state.offset, "offset": offset},
                offset=state.offset,
            )
        if length is not None and offset + length > upload.length:
            raise TooLarge(_("More bytes were sent than the file's declared size."))
        remaining = upload.length - offset if length is None else length
        running = _RunningHash.resume(upload, offset)
        body = readinto
        if expected:
            hasher = CHECKSUMS[expected[0]]()
            body, missing, _spool = shared_uploads.checked_body(readinto, remaining, hasher)
            if missing or hasher.digest() != expected[1]:
                raise ChecksumMismatch(_("The bytes arrived damaged; send this part again."), offset=offset)
        received = 0
        try:
            receiver = shared_uploads.Receiver(upload, state, digests=[running.digest] if running else [])
            while received < remaining:
                room = receiver.room()
                try:
                    got = body(room[: min(len(room), remaining - received)])
                except OSError:
                    logger.info("upload %s: connection dropped at %s bytes", upload.pk, offset + received)
                    break
                if not got:
                    break
                receiver.took(got)
                received += got
            receiver.close(last=offset + received == upload.length)
        except STORAGE_ERRORS as error:  # S3 refused a part, or the node's disk its part file
            try:
                kept = shared_uploads.read_state(upload).offset
            except (shared_uploads.NoSuchUpload, *S3_ERRORS):
                kept = offset
            logger.error("upload %s: the private storage or this node's disk refused a part at %s bytes: %s",
                         upload.pk, kept, error)
            _record_offset(upload, kept, now)
            _discard(body)  # so the answer reaches the client, and the connection can serve its next request
            raise _storage_problem(error, kept, upload.length) from error
        have = receiver.state.offset
        Upload.objects.filter(pk=upload.pk).update(offset=have, updated_at=now)
        upload.offset, upload.updated_at = have, now
        if running:
            running.keep(upload, have)
    if have == upload.length:
        finish(upload=Upload.objects.select_related("entry__contest", "entry__category").get(pk=upload.pk), now=now)
        upload.status = UploadStatus.COMPLETE
    return upload


def _discard(readinto: Callable[[memoryview], int]) -> None:
    """Read the rest of a request body and throw it away (the buffers are free again once `_receive` returns)."""
    scratch = _pieces.get().buffers[0]
    try:
        while readinto(scratch):
            pass
    except OSError:
        pass  # the client went away: nothing left to read


def filler(read: Callable[[int], bytes]) -> Callable[[memoryview], int]:
    """`readinto` for a stream that only has `read`."""

    def readinto(view: memoryview) -> int:
        data = read(len(view))
        view[: len(data)] = data
        return len(data)

    return readinto


class _Pieces(threading.local):
    """One server thread's buffers and its two helper threads, made at its first upload and kept.

    Kept, because memory touched for the first time is what costs most in a
    virtual machine, and starting threads on each of a large upload's many
    requests cost about a millisecond each.
    """

    def get(self) -> "_Pieces":
        if not hasattr(self, "buffers"):
            self.buffers = tuple(memoryview(mmap.mmap(-1, PIECE_BYTES)) for _piece in range(PIECES))
            self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload-write")
            self.hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload-hash")
        return self


_pieces = _Pieces()


def _write(fd: int, data: memoryview, position: int) -> None:
    """Write `data` at `position`; have the kernel send it to the disk now, and let go of what it sent a while ago.

    Without the two hints, a large upload piles up as dirty memory that the
    final fsync must flush while the entrant waits, and each new page of the
    cache is fresh memory. With them, the disk writes while the bytes still
    arrive, and the cache reuses the same few megabytes for the whole file.
    """
    done = 0
    while done < len(data):
        try:
            done += os.pwrite(fd, data[done:], position + done)
        except OSError as error:
            raise _WriteFailed(error, position + done) from error
    if _fadvise is not None:
        _fadvise(fd, position, len(data), os.POSIX_FADV_DONTNEED)  # dirty pages: starts their writeback
        if position > WRITTEN_BACK_BYTES:
            _fadvise(fd, 0, position - WRITTEN_BACK_BYTES, os.POSIX_FADV_DONTNEED)  # clean by now: dropped


def _fill(readinto: Callable[[memoryview], int], view: memoryview) -> tuple[int, OSError | None]:
    """Fill `view` from the request; stops early at the end of the body or when the connection drops."""
    filled = 0
    while filled < len(view):
        try:
            got = readinto(view[filled:])
        except OSError as error:
            return filled, error
        if not got:
            break
        filled += got
    return filled, None


def _receive(handle, readinto: Callable[[memoryview], int], remaining: int, digests: list) -> int:
    """Copy up to `remaining` bytes into the file and the digests; return how many did not come.

    The request's thread fills one buffer from the socket while one helper
    thread writes the last to the file and another hashes it, so the socket,
    the disk and the hash work at once. Every byte that arrived is written
    before this returns, even when the connection drops halfway.
    """
    if remaining <= 0:
        return remaining
    pieces = _pieces.get()
    position = handle.tell()
    pending: dict[int, list[Future]] = {}
    dropped = None
    refused: list[_WriteFailed] = []
    try:
        for index in itertools.cycle(range(PIECES)):
            for step in pending.pop(index, ()):
                try:
                    step.result()  # this buffer is free again
                except _WriteFailed as failure:
                    refused.append(failure)
            if refused:
                break
            buffer = pieces.buffers[index]
            want = min(len(buffer), remaining)
            filled, dropped = _fill(readinto, buffer[:want])
            if filled:
                piece = buffer[:filled]
                pending[index] = [pieces.writer.submit(_write, handle.fileno(), piece, position)]
                pending[index] += [pieces.hasher.submit(digest.update, piece) for digest in digests]
                position += filled
                remaining -= filled
            if dropped or filled < want or not remaining:
                break
    finally:
        # Every step ends before the buffers serve another request.
        failures = [failure for step in itertools.chain(*pending.values()) if (failure := step.exception())]
        handle.seek(0, os.SEEK_END)
    refused += [failure for failure in failures if isinstance(failure, _WriteFailed)]
    if refused:  # the disk before the connection: the bytes in order end at the first refused write
        raise min(refused, key=lambda failure: failure.written_to)
    if failures or dropped:
        raise (failures or [dropped])[0]
    return remaining


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(READ_BYTES):
            digest.update(block)
    return digest.hexdigest()


def finish(*, upload: Upload, now: datetime) -> MediaAsset:
    """Check the real format, record the hash, and make the file the entry's; the old file goes only now.

    Either the entry has the file and the upload says complete, or neither: a
    storage that refuses the file keeps no partial copy, and finishing again
    (the client's retry, or its HEAD once there is room) finishes it once.
    """
    if upload.storage_upload_id:
        return _finish_shared(upload=upload, now=now)
    path = temp_path(upload)
    try:
        handle = open(path, "rb")  # closed below; its lock keeps finishing to one request at a time
    except FileNotFoundError:
        handle = None  # moved into storage by an attempt whose commit failed, or gone
    try:
        if handle is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy(_("This file is being finished by another request; wait a moment.")) from None
        return _finish(upload=upload, path=path, handle=handle, now=now)
    finally:
        if handle is not None:
            handle.close()


def _finish(*, upload: Upload, path: Path, handle, now: datetime) -> MediaAsset:
    upload = Upload.objects.select_related("entry__contest", "entry__category").get(pk=upload.pk)
    if upload.status == UploadStatus.COMPLETE:
        return upload.asset  # another request finished it meanwhile
    if upload.status != UploadStatus.RECEIVING:
        raise Gone(_("This upload has ended. Start it again."))
    storage = MediaAsset._meta.get_field("file").storage
    stem = _stem(upload)
    earlier = _copies(storage, stem)
    if handle is not None:
        category = upload.entry.category
        file_format = sniff_format(path, allowed=category.allowed_formats)
        if file_format is None:
            refusal = _wrong_format(upload, category, now=now)
            path.unlink(missing_ok=True)
            raise refusal
        os.fsync(handle.fileno())
        sha256 = _RunningHash.take(upload, upload.length) or _sha256(path)
        for name in earlier:  # a partial copy of an attempt the storage refused: the temporary file is whole
            storage.delete(name)
        try:
            name = storage.save(stem + file_format, _PartFile(handle, name=str(path)))
        except STORAGE_ERRORS as error:
            _delete_quietly(storage, _copies(storage, stem))
            logger.error("upload %s: the private storage refused the finished file: %s", upload.pk, error)
            raise _unfinished(error, upload) from error
    elif earlier and storage.size(earlier[0]) == upload.length:
        # An earlier attempt moved the bytes into storage, then its database commit failed: finish from there.
        name, file_format = earlier[0], earlier[0].rsplit(".", 1)[1]
        digest = hashlib.sha256()
        with storage.open(name, "rb") as stored:
            while block := stored.read(READ_BYTES):
                digest.update(block)
        sha256 = digest.hexdigest()
    else:
        raise Gone(_("This upload has expired. Start it again."))
    with transaction.atomic():
        draft = Entry.objects.select_for_update().get(pk=upload.entry_id).status == EntryStatus.DRAFT
        if draft:
            asset = _make_it_the_entrys(upload=upload, name=name, sha256=sha256, file_format=file_format, now=now)
    if not draft:  # submitted or withdrawn while the bytes came: the upload ends without a file
        Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.CANCELLED, completed_at=now)
        _delete_quietly(storage, [name])
        path.unlink(missing_ok=True)
        raise _draft_only()
    path.unlink(missing_ok=True)
    upload.status = UploadStatus.COMPLETE
    return asset


def _finish_shared(*, upload: Upload, now: datetime) -> MediaAsset:
    """`finish` for an upload in the shared storage: S3 joins the parts into the final object, then the row follows.

    If the row's commit fails after S3 joined the parts, the next attempt finds the whole object under the
    upload's own key and finishes from there; the file is never there twice.
    """
    with shared_uploads.one_patch_at_a_time(upload) as mine:
        if not mine:
            raise Busy(_("This file is being finished by another request; wait a moment."))
        upload = Upload.objects.select_related("entry__contest", "entry__category").get(pk=upload.pk)
        if upload.status == UploadStatus.COMPLETE:
            return upload.asset  # another request finished it meanwhile
        if upload.status != UploadStatus.RECEIVING:
            raise Gone(_("This upload has ended. Start it again."))
        try:
            try:
                state = shared_uploads.read_state(upload)
            except shared_uploads.NoSuchUpload:
                state = None  # joined already by an attempt whose commit failed, or aborted
            if state is not None:
                if state.offset != upload.length:
                    raise WrongOffset(
                        _("The server has %(have)s bytes of this file, not %(offset)s: resume from there.")
                        % {"have": state.offset, "offset": upload.length},
                        offset=state.offset,
                    )
                shared_uploads.complete(upload, state)
            elif shared_uploads.stored_size(upload) != upload.length:
                raise Gone(_("This upload has expired. Start it again."))
            head = shared_uploads.head(upload)
        except S3_ERRORS as error:
            logger.error("upload %s: the private storage refused to join the file: %s", upload.pk, error)
            raise _unfinished(error, upload) from error
        category = upload.entry.category
        file_format = sniff_head(head, allowed=category.allowed_formats)
        if file_format is None:
            refusal = _wrong_format(upload, category, now=now)
            discard_bytes(upload, finished_too=True)
            raise refusal
        try:
            sha256 = _RunningHash.take(upload, upload.length) or shared_uploads.sha256(upload)
        except S3_ERRORS as error:
            logger.error("upload %s: the private storage did not give the file back to hash: %s", upload.pk, error)
            raise _unfinished(error, upload) from error
        name = shared_uploads.final_name(upload)
        with transaction.atomic():
            draft = Entry.objects.select_for_update().get(pk=upload.entry_id).status == EntryStatus.DRAFT
            if draft:
                asset = _make_it_the_entrys(upload=upload, name=name, sha256=sha256, file_format=file_format, now=now)
        if not draft:  # submitted or withdrawn while the bytes came: the upload ends without a file
            Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.CANCELLED, completed_at=now)
            discard_bytes(upload, finished_too=True)
            raise _draft_only()
    upload.status = UploadStatus.COMPLETE
    return asset


def _make_it_the_entrys(*, upload: Upload, name: str, sha256: str, file_format: str, now: datetime) -> MediaAsset:
    """In the caller's transaction: the stored file becomes the entry's, the one before it is replaced."""
    replaced = list(MediaAsset.objects.select_for_update().current().filter(entry=upload.entry))
    asset = MediaAsset.objects.create(
        entry=upload.entry,
        upload=upload,
        file=name,
        original_name=upload.filename,
        size=upload.length,
        sha256=sha256,
        file_format=file_format,
    )
    MediaAsset.objects.filter(pk__in=[a.pk for a in replaced]).update(replaced_at=now)
    jobs.cancel_jobs(asset_ids=[a.pk for a in replaced], now=now)
    # The file before, its renditions with it, once this commits: nothing of it stays to be served or orphaned.
    files.discard_assets(asset_ids=[a.pk for a in replaced])
    Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.COMPLETE, completed_at=now)
    transaction.on_commit(lambda: jobs.start_processing(asset_id=asset.pk))
    return asset


def _stem(upload: Upload) -> str:
    """The finished file's name but its format: in the upload's own folder, named after nothing of the entrant's."""
    return f"{files.original_folder(upload.pk)}/original."


def _wrong_format(upload: Upload, category, *, now: datetime) -> Unsupported:
    """The upload ends as failed, saying which formats the category takes; the caller discards the bytes."""
    message = _(
        "This file is not one of the formats “%(category)s” takes: %(formats)s. Export it as one of them."
    ) % {
        "category": category.title,
        "formats": ", ".join(f.upper() for f in category.allowed_formats),
    }
    Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.FAILED, failure=message, completed_at=now)
    return Unsupported(message)


def _copies(storage: Storage, stem: str) -> list[str]:
    """What the storage holds under an upload's own name: a copy made by an earlier attempt to finish it."""
    folder, prefix = stem.rsplit("/", 1)
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in names if name.startswith(prefix))


def _delete_quietly(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except STORAGE_ERRORS as error:  # the next attempt to finish deletes it, or the idle-upload cleaning
            logger.error("could not delete %s from the private storage: %s", name, error)


def _unfinished(error: Exception, upload: Upload) -> UploadProblem:
    """All the bytes are here, but the storage would not take the file: say so, and that nothing must be sent again."""
    if isinstance(error, OSError) and error.errno in FULL:
        message = _(
            "All of your file has arrived, but the server has run out of room to store it. This is a problem on "
            "our side, not with your file. It is kept: try again later (keep this page open, or come back and "
            "choose the same file) and it will be finished without sending it again."
        )
        return StorageFull(message, offset=upload.length)
    message = _(
        "All of your file has arrived, but the server cannot store it at the moment. This is a problem on our "
        "side, not with your file. It is kept: try again later (keep this page open, or come back and choose the "
        "same file) and it will be finished without sending it again."
    )
    return StorageFailing(message, offset=upload.length)


def cancel(*, upload: Upload) -> None:
    """The client gave up (tus termination): its bytes go, any earlier file of the entry stays."""
    Upload.objects.filter(pk=upload.pk, status=UploadStatus.RECEIVING).update(status=UploadStatus.CANCELLED)
    discard_bytes(upload)


def discard_bytes(upload: Upload, *, finished_too: bool = False) -> None:
    """Delete an unfinished upload's bytes where they are: this node's folder, or the shared storage."""
    if upload.storage_upload_id:
        try:
            shared_uploads.discard(upload, finished_too=finished_too)
        except S3_ERRORS as error:  # the storage check finds them again
            logger.error("upload %s: could not delete its parts from the private storage: %s", upload.pk, error)
        return
    temp_path(upload).unlink(missing_ok=True)


def current_offset(upload: Upload) -> int:
    """How many bytes the server has. In the shared storage, S3 says (the row may lag if a node died after sending
    a part), and the row is corrected; on local disk, the row."""
    if upload.storage_upload_id and upload.status == UploadStatus.RECEIVING:
        try:
            have = shared_uploads.read_state(upload).offset
        except (shared_uploads.NoSuchUpload, *S3_ERRORS):
            return upload.offset  # finished or gone: the row knows; S3 away: the row's figure is safe to resume from
        _record_offset(upload, have, timezone.now())
    return upload.offset


def _record_offset(upload: Upload, have: int, now: datetime) -> None:
    """Only ever forward: a slower request must not set back what a later one recorded."""
    if have > upload.offset:
        Upload.objects.filter(pk=upload.pk, offset__lt=have).update(offset=have, updated_at=now)
        upload.offset = have


_idle_checked = {"at": None}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _remove_idle_files_now_and_then(now: datetime) -> None:
    """On local disk the bytes are on the node that took them, so that node deletes the idle ones, hourly at most."""
    last = _idle_checked["at"]
    if last is not None and now - last < timedelta(hours=1):
        return
    _idle_checked["at"] = now
    folder = Path(settings.UPLOAD_TEMP_DIR)
    if not folder.is_dir():
        return
    ids = {path.stem: path for path in folder.glob("*.part") if _is_uuid(path.stem)}
    if not ids:
        return
    receiving = {
        str(pk) for pk in Upload.objects.filter(pk__in=list(ids), status=UploadStatus.RECEIVING).values_list(
            "pk", flat=True)
    }
    for stem, path in ids.items():
        if stem not in receiving:  # expired, cancelled, failed or gone with its account: no one will send more
            path.unlink(missing_ok=True)


def remove_idle_uploads(*, now: datetime) -> int:
    """Delete the bytes of uploads that received nothing for a day, where they live."""
    cutoff = now - timedelta(hours=settings.UPLOAD_IDLE_HOURS)
    idle = list(Upload.objects.filter(status=UploadStatus.RECEIVING, updated_at__lt=cutoff).select_related("entry"))
    storage = MediaAsset._meta.get_field("file").storage
    for upload in idle:
        if upload.storage_upload_id:  # in the shared storage: any worker can
            discard_bytes(upload, finished_too=upload.offset == upload.length)
            continue
        # On local disk, a worker deletes what is in its own folder (all of it where web and worker share one);
        # each web node deletes the rest of its own when it next starts an upload.
        temp_path(upload).unlink(missing_ok=True)
        if upload.offset == upload.length:  # a copy left by an attempt to finish it that never committed
            _delete_quietly(storage, _copies(storage, _stem(upload)))
            _delete_quietly(storage, _copies(storage, f"entries/{upload.entry.reference}/{upload.pk}."))  # older name
    Upload.objects.filter(pk__in=[u.pk for u in idle]).update(status=UploadStatus.EXPIRED)
    return len(idle)
