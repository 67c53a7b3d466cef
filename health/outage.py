"""What a request answers when something fails: 503 when a service Voices needs is away, and always the truth.

The truth is whether what the person sent was saved. SavesMiddleware notes
on the request when a change it made reached the database (a write in a
transaction that committed, or one made outside any transaction); the error
page then says "saved, do not send it again" or "not saved, send it again".
Pages, tus uploads and JSON answers each get the answer their client reads.
"""

import errno
import logging
import sys
from urllib.parse import urlsplit

from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds after which a client may try again; most blips (a database restart, a Redis restart) are over by then.
RETRY_AFTER_SECONDS = 30
WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")
# A disk that is full, read-only or failing is an outage of the storage, not a bug.
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


def _away_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean a service is away (not that the code is wrong)."""
    found: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import redis

        found += [redis.ConnectionError, redis.TimeoutError]
    except ImportError:  # pragma: no cover - redis comes with celery[redis]
        pass
    from kombu.exceptions import OperationalError as BrokerError

    found.append(BrokerError)
    try:
        from botocore.exceptions import ConnectionError as S3ConnectionError

        found.append(S3ConnectionError)
    except ImportError:  # pragma: no cover - botocore comes with django-storages[s3]
        pass
    return tuple(found)


AWAY = _away_errors()


def is_outage(error: BaseException | None) -> bool:
    if isinstance(error, OSError) and error.errno in DISK_ERRNOS:
        return True
    return isinstance(error, AWAY)


class SavesMiddleware:
    """Notes on a request that sends something whether any of its changes reached the database.

    It sits last, around the view only: the session's own bookkeeping does
    not count as saving what the person sent.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return self.get_response(request)
        request.saved_something = False

        def saved() -> None:
            request.saved_something = True

        def note(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            statement = sql.lstrip().upper()
            if statement.startswith(WRITES) and "DJANGO_SESSION" not in statement:
                if context["connection"].in_atomic_block:
                    transaction.on_commit(saved, using=context["connection"].alias)
                else:
                    saved()
            return result

        with connection.execute_wrapper(note):
            return self.get_response(request)


def is_tus(request: HttpRequest) -> bool:
    return "Tus-Resumable" in request.headers


def wants_json(request: HttpRequest) -> bool:
    return request.path.endswith(".json") or "application/json" in request.headers.get("Accept", "")


def _back_link(request: HttpRequest) -> str:
    """The page the person came from, when it is on this site: where their form is."""
    referer = request.headers.get("Referer", "")
    parts = urlsplit(referer)
    if not referer or parts.netloc != request.get_host():
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _what_happened(*, sent: bool, saved: bool, outage: bool) -> str:
    if sent and saved:
        return _("What you sent was saved; only the next page could not be shown. Do not send it again.")
    if sent:
        return _("What you sent was not saved. Please send it again in a minute.")
    if outage:
        return _("Nothing was changed. Please try again in a minute.")
    return _("Nothing was changed. Please try again later.")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: every uncaught exception ends here, with the exception still being handled."""
    error = sys.exc_info()[1]
    outage = is_outage(error)
    sent = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
    saved = bool(getattr(request, "saved_something", False))
    status = 503 if outage else 500
    headline = (
        _("Voices is briefly unavailable: a service it needs is not answering.")
        if outage
        else _("Something went wrong on our side.")
    )
    what = _what_happened(sent=sent, saved=saved, outage=outage)
    if is_tus(request):
        # tus clients start a new upload from zero after any refused HEAD but 423; they try a 423 again.
        status = 423 if outage and request.method == "HEAD" else status
        response = HttpResponse(f"{headline} {what}", status=status, content_type="text/plain; charset=utf-8")
        response["Tus-Resumable"] = "1.0.0"
    elif wants_json(request):
        response = JsonResponse({"error": f"{headline} {what}", "saved": saved if sent else None}, status=status)
    else:
        context = {
            "LANGUAGE_CODE": get_language(),
            "LANGUAGE_BIDI": get_language_bidi(),
            "headline": headline,
            "what": what,
            "outage": outage,
            "sent": sent,
            "saved": saved,
            "back": _back_link(request) if sent and not saved else "",
        }
        response = HttpResponse(render_to_string("503.html" if outage else "500.html", context), status=status)
    response["Cache-Control"] = "no-store"
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
