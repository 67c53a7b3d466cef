"""The tus 1.0 resumable-upload protocol (core, creation, termination, expiration, checksum) over Django views.

Stock clients (tus-js-client, Uppy, tuspy) talk to these two addresses. Only
the owner of an upload may see or extend it: anyone else gets 404. Errors
answer in plain text, in the page's language, with what to do next.
"""

import base64
import binascii
import re
import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from gunicorn.http import body as gunicorn_body

from contest.converters import ReferenceConverter

from . import uploads
from .models import Entry, Upload

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration,checksum"


# A PATCH reads only these: the rest of the rows (texts in six languages, mostly) cost more to
# select on each of a large upload's many requests than the request's own work. The last PATCH
# reads the whole row again to finish the file.
_PATCH_FIELDS = (
    "id", "owner", "status", "offset", "length", "created_at", "updated_at", "entry__id", "entry__status",
    "entry__contest__id", "entry__contest__status", "entry__contest__opens_at", "entry__contest__closes_at",
    "entry__contest__closed_at", "entry__contest__upload_grace_minutes", "entry__contest__time_zone",
    "entry__entrant", "storage_upload_id",
)


def _answer(status: int, message: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


# Seconds a client is asked to wait before trying again when the server's disk or storage refused the bytes.
RETRY_AFTER = "60"


def _problem(problem: uploads.UploadProblem) -> HttpResponse:
    headers = {} if problem.offset is None else {"Upload_Offset": str(problem.offset)}
    if problem.status >= 500:
        headers["Retry_After"] = RETRY_AFTER
    return _answer(problem.status, problem.message, **headers)


def _metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs."""
    values = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _space, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            values[key] = ""
    return values


def _refuse_anonymous(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return _answer(403, _("Sign in again, then resume the upload: your session has ended."))
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _answer(412, "Tus-Resumable 1.0.0 required.", Tus_Version=TUS_VERSION)
    return None


class _GunicornBody:
    """A request body of known length read from gunicorn's socket into the caller's buffer.

    gunicorn's own reader passes each block through two BytesIO buffers and
    slices it twice more on the way, which cost more CPU than the disk write
    and the SHA-256 together. Here the bytes go from the socket to the buffer
    once. Between two reads gunicorn's reader state is exactly the body that is
    left: its remaining length is lowered by each read, and of what it had read
    ahead with the headers only the bytes taken go; the rest (more of the body,
    or the next request on the connection) goes back at once. So a refusal after
    any read, keep-alive and the drain after the answer (submissions/framing.py)
    all see the connection where it stands.
    """

    def __init__(self, body, sock) -> None:
        self.body, self.reader, self.sock = body, body.reader, sock
        self.buffered = True  # gunicorn may hold bytes read with the headers; once taken, nothing new arrives there

    def readinto(self, view: memoryview) -> int:
        want = min(len(view), self.reader.length)
        if want <= 0:
            return 0
        ahead = self.reader.unreader.take_buffered() if self.buffered else b""
        if ahead:
            got = min(want, len(ahead))
            view[:got] = memoryview(ahead)[:got]
            if got < len(ahead):
                self.reader.unreader.unread(ahead[got:])
        else:
            self.buffered = False
            try:
                got = self.sock.recv_into(view, want)
            except OSError:
                self.body.failed = True  # gunicorn then closes the connection instead of reusing it.
                raise
            if not got:
                self.body.failed = True
        self.reader.length -= got
        return got


def _body_filler(request: HttpRequest, *, declared: bool):
    """A `readinto` for the request body: from the socket under gunicorn, else through the WSGI stream."""
    stream = request.META["wsgi.input"]
    sock = request.META.get("gunicorn.socket")
    if (
        declared
        and sock is not None
        and isinstance(stream, gunicorn_body.Body)
        and isinstance(stream.reader, gunicorn_body.LengthReader)
        and getattr(stream.reader.unreader, "sock", None) is sock
        and not stream.buf.tell()
    ):
        return _GunicornBody(stream, sock).readinto
    # Without a length (chunked transfer), read the server's stream to its end.
    return uploads.filler(request.read if declared else stream.read)


def _expiry_headers(upload: Upload) -> dict[str, str]:
    return {"Upload_Expires": http_date(uploads.expires_at(upload).timestamp())}


def collection(request: HttpRequest) -> HttpResponse:
    """OPTIONS: what this server speaks. POST: start an upload for one of your entries."""
    if request.method == "OPTIONS":
        return _answer(204, Tus_Version=TUS_VERSION, Tus_Extension=EXTENSIONS, Tus_Checksum_Algorithm="sha1,sha256,md5")
    if request.method != "POST":
        return _answer(405, "", Allow="OPTIONS, POST")
    if refusal := _refuse_anonymous(request):
        return refusal
    try:
        length = int(request.headers.get("Upload-Length", ""))
    except ValueError:
        return _answer(400, _("The upload must say how large the file is (Upload-Length)."))
    meta = _metadata(request.headers.get("Upload-Metadata", ""))
    reference = meta.get("entry", "")
    entry = (
        Entry.objects.select_related("contest", "category").filter(reference=reference, entrant=request.user).first()
        if re.fullmatch(ReferenceConverter.regex, reference)
        else None
    )
    if entry is None:
        return _answer(404, _("No entry of yours has this reference."))
    try:
        upload = uploads.start_upload(
            entry=entry,
            owner=request.user,
            length=length,
            filename=meta.get("filename", ""),
            declared_type=meta.get("filetype", ""),
            now=timezone.now(),
        )
    except uploads.UploadProblem as problem:
        return _problem(problem)
    location = request.build_absolute_uri(reverse("submissions:tus_upload", kwargs={"upload_id": upload.pk}))
    return _answer(201, Location=location, Upload_Offset="0", **_expiry_headers(upload))


def resource(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    """HEAD: how many bytes the server has. PATCH: more bytes. DELETE: give up."""
    if request.method == "OPTIONS":
        return _answer(204, Tus_Version=TUS_VERSION, Tus_Extension=EXTENSIONS)
    if refusal := _refuse_anonymous(request):
        return refusal
    try:
        upload = Upload.objects.select_related("entry__contest").only(*_PATCH_FIELDS).get(
            pk=upload_id, owner=request.user
        )
    except Upload.DoesNotExist:
        return _answer(404, _("There is no such upload."))
    if request.method == "HEAD":
        upload.offset = uploads.current_offset(upload)  # in the shared storage, S3 says
        if upload.status == "receiving" and upload.offset == upload.length:
            # Every byte arrived but the storage refused the file (full, say): finish it now, or ask to wait.
            try:
                uploads.finish(upload=upload, now=timezone.now())
            except (uploads.StorageFull, uploads.StorageFailing, uploads.Busy) as problem:
                # 423 is the one refusal after which tus clients try the same upload again rather than a new one.
                return _answer(423, problem.message, Upload_Offset=str(upload.offset), Retry_After=RETRY_AFTER)
            except uploads.UploadProblem as problem:
                return _problem(problem)
            upload.status = "complete"
        if upload.status != "receiving" and upload.status != "complete":
            return _answer(410, "")
        return _answer(
            200, Upload_Offset=str(upload.offset), Upload_Length=str(upload.length), **_expiry_headers(upload)
        )
    if request.method == "DELETE":
        uploads.cancel(upload=upload)
        return _answer(204)
    if request.method != "PATCH":
        return _answer(405, "", Allow="HEAD, PATCH, DELETE, OPTIONS")
    if request.content_type != "application/offset+octet-stream":
        return _answer(415, "Content-Type must be application/offset+octet-stream.")
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        return _answer(400, "Upload-Offset is required.")
    declared = request.META.get("CONTENT_LENGTH")
    try:
        uploads.append(
            upload=upload,
            offset=offset,
            readinto=_body_filler(request, declared=bool(declared)),
            length=int(declared) if declared else None,
            checksum=request.headers.get("Upload-Checksum"),
            now=timezone.now(),
            by=request.user,
        )
    except uploads.UploadProblem as problem:
        return _problem(problem)
    return _answer(204, Upload_Offset=str(upload.offset), **_expiry_headers(upload))
