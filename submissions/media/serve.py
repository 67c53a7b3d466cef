"""Serving a private stored file (an original, a rendition, an attachment) to someone already allowed to see it.

Callers check permission first; this module only answers safely. On local
disk it streams the file itself and honours HTTP Range, which browsers use to
seek in video; on S3 it redirects to a signed link on the S3 endpoint (never
a CDN) that lives five minutes at most, and the link itself asks S3 for the
same type and disposition a local answer would have. Either way the browser
is told not to sniff, not to cache for others, and not to run anything the
file might contain. Originals and attachments are only ever downloads, typed
`application/octet-stream`; renditions keep their real type and show inline.
"""

import re

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import content_disposition_header

BLOCK_BYTES = 256 * 1024
MAX_SIGNED_SECONDS = 300
# A page of its own for the file may show it (an image, the browser's video player), never run script.
SANDBOX = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
DOWNLOAD_TYPE = "application/octet-stream"
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def serve_file(
    request: HttpRequest,
    field_file: FieldFile,
    *,
    content_type: str,
    download_name: str | None = None,
    inline: bool = True,
) -> HttpResponse:
    """Answer with `field_file`'s bytes: streamed with Range support locally, a short signed link on S3."""
    storage = field_file.storage
    disposition = content_disposition_header(not inline, download_name) if download_name else None
    if is_s3(storage):
        parameters = {"ResponseContentType": content_type}
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        expire = min(settings.PRIVATE_URL_EXPIRY_SECONDS, MAX_SIGNED_SECONDS)
        response = HttpResponseRedirect(storage.url(field_file.name, parameters=parameters, expire=expire))
        response["Cache-Control"] = "private, no-store"
        return response
    size = storage.size(field_file.name)
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _safe(response, content_type, disposition)
    handle = storage.open(field_file.name, "rb")
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_read(handle, start, end), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    return _safe(response, content_type, disposition)


def serve_download(request: HttpRequest, field_file: FieldFile, *, download_name: str) -> HttpResponse:
    """A file to be saved, never shown: whatever type it was stored with, it goes out as bytes, as an attachment."""
    response = serve_file(request, field_file, content_type=DOWNLOAD_TYPE, download_name=download_name, inline=False)
    response["Cache-Control"] = "private, no-store"
    return response


def _safe(response: HttpResponse, content_type: str, disposition: str | None) -> HttpResponse:
    response["Content-Type"] = content_type
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Seeking asks for the same file many times; only this viewer's browser may keep it.
    response["Cache-Control"] = "private, max-age=300"
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def _byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """The one range asked for, as (first, last) byte; None for the whole file (also for several ranges)."""
    match = SINGLE_RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def _read(handle, start: int, end: int):
    try:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            block = handle.read(min(BLOCK_BYTES, remaining))
            if not block:
                break
            remaining -= len(block)
            yield block
    finally:
        handle.close()


def is_s3(storage) -> bool:
    """Whether a storage is S3 (django-storages), where files are served by signed links."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)
