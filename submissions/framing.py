"""Keeps HTTP/1.1 connections framed: what a view left unread of a request body is dealt with before the answer.

On a kept-alive connection the next request starts right after this one's
body. A refusal that answers without reading the body (an upload at the wrong
offset, a failed CSRF check, an address that does not exist) leaves those
bytes on the connection; read as the start of the next request they make it
fail (400, 414) or vanish, and behind a proxy that reuses its connections the
next request may be someone else's. So after the view, the rest of the body is
read and dropped, up to one upload chunk (UPLOAD_CHUNK_BYTES) and for at most
DRAIN_SECONDS. A longer or slower body is not waited for: the answer says
`Connection: close` and the server closes the connection after it.

Only a server that promises an end to `wsgi.input` (`wsgi.input_terminated`,
as gunicorn does) is drained; under gunicorn the close goes through the switch
config/gunicorn.py hands over with each request.
"""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DRAIN_SECONDS = 10.0
BLOCK_BYTES = 64 * 1024
# Set on wsgi.input by config/gunicorn.py: gunicorn's own "close after this answer".
CLOSE_SWITCH = "close_connection"


class RequestBodyFraming:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        environ = request.META
        if _may_have_body(environ) and not _drain(environ):
            close = getattr(environ["wsgi.input"], CLOSE_SWITCH, None)
            if close is not None:
                close()
        return response


def _may_have_body(environ: dict) -> bool:
    if not environ.get("wsgi.input_terminated"):
        return False
    return environ.get("CONTENT_LENGTH", "") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in environ


def _left(stream) -> int | None:
    """Bytes of a Content-Length body not read yet, where gunicorn's reader knows; None when unknown (chunked)."""
    left = getattr(getattr(stream, "reader", None), "length", None)
    return left if isinstance(left, int) else None


def _drain(environ: dict) -> bool:
    """Read and drop the rest of the body; False when it is longer or slower than is worth waiting for."""
    stream, limit = environ["wsgi.input"], settings.UPLOAD_CHUNK_BYTES
    left = _left(stream)
    if left == 0:
        return True
    if left is not None and left > limit:
        return False
    sock = environ.get("gunicorn.socket")
    before = sock.gettimeout() if sock is not None else None
    deadline = time.monotonic() + DRAIN_SECONDS
    dropped = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if sock is not None:
                sock.settimeout(remaining)  # a client that stops sending must not hold the thread
            block = stream.read(BLOCK_BYTES)
            if not block:
                return True
            dropped += len(block)
            if dropped > limit:
                return False
    except Exception:  # noqa: BLE001 — a timeout, a reset, a malformed chunk: all mean the same here
        return False  # and gunicorn has marked the body failed, so it will not reuse the connection either
    finally:
        if sock is not None:
            try:
                sock.settimeout(before)
            except OSError:
                pass  # the connection is gone already
