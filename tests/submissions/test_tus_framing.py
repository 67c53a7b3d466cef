"""HTTP/1.1 framing around the upload addresses, through gunicorn on one raw socket: whatever refuses a request with a
body (the tus views, the CSRF check, the URL resolver), the next request pipelined behind it gets its own answer,
and not a byte of the refused body is stored."""

import base64
import fcntl
import hashlib
import socket
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.demo import DEMO_PASSWORD, SLUG, seed_demo
from contest.models import Contest
from submissions import uploads
from submissions.enums import EntryStatus, UploadStatus
from submissions.models import Entry, Upload
from tests.conftest import database_url_for_subprocess, subprocess_env
from tests.serving import gunicorn
from tests.uploading import sign_in, start_for_new_entry

pytestmark = pytest.mark.django_db(transaction=True)

AMIRA = "entrant1@voices.example"
ABOUT = "About Voices"
UPLOAD_LENGTH = 2 * 1024 * 1024  # room for every body below: only the 413 case sends more than the file's size


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """gunicorn with the project's config (one worker, four threads) on the test database."""
    with django_db_blocker.unblock():
        env = subprocess_env(DATABASE_URL=database_url_for_subprocess(), WEB_CONCURRENCY="1")
    with gunicorn(env, name="gunicorn-framing") as base:
        yield base


@pytest.fixture
def amira(site, transactional_db):
    cache.clear()
    seed_demo(now=timezone.now())
    return sign_in(site, AMIRA, DEMO_PASSWORD)


def new_upload(site: str, session, *, length: int = UPLOAD_LENGTH) -> Upload:
    contest, amira = Contest.objects.get(slug=SLUG), User.objects.get(email=AMIRA)
    url = start_for_new_entry(contest, amira, session, site, length=length)
    return Upload.objects.get(pk=url.rsplit("/", 1)[1])


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunked: bool = False

    def encode(self, host: str) -> bytes:
        headers = {"Host": host, **self.headers}
        if self.chunked:
            headers["Transfer-Encoding"] = "chunked"
            half = len(self.body) // 2
            body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in (self.body[:half], self.body[half:]) if p)
            body += b"0\r\n\r\n"
        else:
            headers.setdefault("Content-Length", str(len(self.body)))
            body = self.body
        head = f"{self.method} {self.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return (head + "\r\n").encode() + body


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def read_answer(stream, method: str) -> Answer | None:
    """One response off the connection, framed as HTTP/1.1 says; None when the server closed it instead."""
    line = stream.readline()
    if not line:
        return None
    status = int(line.split()[1])
    headers = {}
    while line := stream.readline().decode("latin-1").strip():
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if method == "HEAD" or status in (204, 304):
        body = b""
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while size := int(stream.readline().split(b";")[0], 16):
            body += stream.read(size)
            stream.readline()
        while stream.readline().strip():
            pass
    else:
        body = stream.read(int(headers["content-length"]))
    return Answer(status, headers, body)


def exchange(site: str, *requests_: Request, timeout: float = 30) -> list[Answer | None]:
    """Send the requests back to back on one connection, in one write, and read as many answers."""
    parts = urlsplit(site)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as connection:
        try:
            connection.sendall(b"".join(r.encode(parts.netloc) for r in requests_))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed early: the answers read below say what came back
        stream = connection.makefile("rb")
        answers = []
        for request in requests_:
            try:
                answers.append(read_answer(stream, request.method))
            except (ConnectionResetError, TimeoutError):
                answers.append(None)
            if answers[-1] is None:
                break
        return answers + [None] * (len(requests_) - len(answers))


def tus(session, **extra: str) -> dict[str, str]:
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return {"Tus-Resumable": "1.0.0", "X-CSRFToken": session.cookies["csrftoken"], "Cookie": cookies, **extra}


def patch(session, upload: Upload, body: bytes, **extra: str) -> Request:
    headers = tus(session, **{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", **extra})
    return Request("PATCH", urlsplit(upload_url(upload)).path, headers, body)


def upload_url(upload: Upload) -> str:
    return f"/en/uploads/{upload.pk}"


def sha1(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()


# Each refusal: what it is, the status it must give, and how to make the request (session, upload, body).
def _csrf_missing(session, upload, body):
    headers = tus(session, **{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
    del headers["X-CSRFToken"]
    return Request("PATCH", upload_url(upload), headers, body)


def _signed_out(session, upload, body):
    csrf = session.cookies["csrftoken"]
    headers = {"Tus-Resumable": "1.0.0", "X-CSRFToken": csrf, "Cookie": f"csrftoken={csrf}",
               "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}  # fmt: skip
    return Request("PATCH", upload_url(upload), headers, body)


def _not_a_draft(session, upload, body):
    Entry.objects.filter(pk=upload.entry_id).update(status=EntryStatus.SUBMITTED)
    return patch(session, upload, body)


def _no_such_upload(session, upload, body):
    return Request("PATCH", f"/en/uploads/{uuid.uuid4()}", patch(session, upload, body).headers, body)


def _not_an_upload_address(session, upload, body):
    return Request("PATCH", "/en/uploads/not-an-upload", patch(session, upload, body).headers, body)


def _wrong_method(session, upload, body):
    return Request("PUT", upload_url(upload), patch(session, upload, body).headers, body)


def _wrong_offset(session, upload, body):
    return patch(session, upload, body, **{"Upload-Offset": "999"})


def _no_offset(session, upload, body):
    request = patch(session, upload, body)
    del request.headers["Upload-Offset"]
    return request


def _ended(session, upload, body):
    Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.CANCELLED)
    return patch(session, upload, body)


def _no_tus_version(session, upload, body):
    request = patch(session, upload, body)
    del request.headers["Tus-Resumable"]
    return request


def _more_than_the_file(session, upload, body):
    Upload.objects.filter(pk=upload.pk).update(length=len(body) - 1)
    return patch(session, upload, body)


def _wrong_type(session, upload, body):
    return patch(session, upload, body, **{"Content-Type": "application/octet-stream"})


def _damaged(session, upload, body):
    return patch(session, upload, body, **{"Upload-Checksum": sha1(body + b"!")})


REFUSALS = {
    "403-without-csrf-token": (403, _csrf_missing),
    "403-signed-out": (403, _signed_out),
    "403-entry-is-no-longer-a-draft": (403, _not_a_draft),
    "404-no-such-upload": (404, _no_such_upload),
    "404-not-an-upload-address": (404, _not_an_upload_address),
    "405-a-method-tus-does-not-use": (405, _wrong_method),
    "400-no-upload-offset": (400, _no_offset),
    "409-wrong-offset": (409, _wrong_offset),
    "410-upload-has-ended": (410, _ended),
    "412-no-tus-resumable": (412, _no_tus_version),
    "413-more-bytes-than-file": (413, _more_than_the_file),
    "415-wrong-content-type": (415, _wrong_type),
    "460-checksum-mismatch": (460, _damaged),
}
# The reproduction (52 bytes, all read with the headers), and a body larger than what gunicorn reads ahead
# with them and than the 64 KiB its own drain takes before it gives up on a connection.
SIZES = {"52B": 52, "1MiB": 1024 * 1024}
CASES = [
    pytest.param(status, make, size, False, id=f"{name}-{size_name}")
    for name, (status, make) in REFUSALS.items()
    for size_name, size in SIZES.items()
] + [
    # A chunked body has no length to go by: it is read to its last chunk. (Not the 413: a chunked body longer than
    # the file is read up to the file's size, which completes the upload.)
    pytest.param(*REFUSALS[name], SIZES["1MiB"], True, id=f"{name}-1MiB-chunked")
    for name in ("403-signed-out", "404-no-such-upload", "409-wrong-offset", "412-no-tus-resumable",
                 "460-checksum-mismatch")  # fmt: skip
]


@pytest.mark.parametrize(("status", "make", "size", "chunked"), CASES)
def test_after_a_refusal_the_next_request_on_the_connection_gets_its_own_answer(
    site, amira, status, make, size, chunked
):
    upload = new_upload(site, amira)
    # Bytes that read like a request, should a server take the body for the next one.
    body = (b"GET /en/ HTTP/1.1\r\nHost: x\r\n\r\n" + bytes(range(256)) * (size // 256 + 1))[:size]
    refused = make(amira, upload, body)
    refused.chunked = chunked
    about = Request("GET", "/en/about/")

    first, second, third = exchange(site, refused, about, about)

    assert first is not None and first.status == status, first
    assert second is not None, "the request behind the refused one got no answer"
    assert (second.status, ABOUT in second.body.decode()) == (200, True)
    assert third is not None and third.status == 200
    upload.refresh_from_db()
    assert upload.offset == 0
    assert uploads.temp_path(upload).stat().st_size == 0, "bytes of a refused body were stored"


def test_a_patch_sent_while_another_holds_the_upload_is_refused_and_the_connection_stays_usable(site, amira):
    upload = new_upload(site, amira)
    with open(uploads.temp_path(upload), "r+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a PATCH of the same upload from another window would
        first, second = exchange(site, patch(amira, upload, b"x" * 52), Request("GET", "/en/about/"))
    assert first is not None and first.status == 409
    assert second is not None and second.status == 200 and ABOUT in second.body.decode()


def test_a_refused_body_over_the_chunk_limit_is_not_read_the_answer_says_close_and_the_server_closes(site, amira):
    upload = new_upload(site, amira)
    request = patch(amira, upload, b"", **{"Upload-Offset": "999"})
    request.headers["Content-Length"] = str(settings.UPLOAD_CHUNK_BYTES + 1)
    request.body = b"\x00" * 64 * 1024  # the start of it: the rest would take a phone a minute

    first, second = exchange(site, request, Request("GET", "/en/about/"), timeout=20)

    assert first is not None and first.status == 409
    assert first.headers["connection"] == "close"
    assert second is None, "nothing may come after an answer that closes the connection"
