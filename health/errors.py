"""The answers to refused requests (400, 403, 404): they never read the body of the request, so a malformed
one (a broken multipart form, say) cannot break the page that refuses it. Each is in the visitor's language,
which LocaleMiddleware chose from the address before anything else ran. 500 and 503 are in outage.py."""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from .outage import is_tus, wants_json

logger = logging.getLogger(__name__)


def _answer(request: HttpRequest, *, status: int, template: str, title: str, text: str) -> HttpResponse:
    if is_tus(request):
        response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
        response["Tus-Resumable"] = "1.0.0"
        return response
    if wants_json(request):
        return JsonResponse({"error": text}, status=status)
    # The site's own page (menu, languages) needs the session and the user; a request refused before
    # those were read (a bad Host header, say) gets the plain error page, which needs neither.
    if hasattr(request, "user"):
        return HttpResponse(render_to_string(template, {"text": text}, request=request), status=status)
    context = {"LANGUAGE_CODE": get_language(), "LANGUAGE_BIDI": get_language_bidi(), "title": title, "headline": text}
    return HttpResponse(render_to_string("error_plain.html", context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        status=400,
        template="400.html",
        title=_("Request not understood"),
        # A refusal that says what was wrong (contest.inputs.Unusable) says it; anything else is told generally.
        text=getattr(exception, "message_for_person", "")
        or _("What your browser sent could not be read. Go back, reload the page and try again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        status=403,
        template="403.html",
        title=_("Not allowed"),
        text=_(
            "You cannot do this. If you think you should be able to, sign in with the account that has access, "
            "or reload the page and try again."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        status=404,
        template="404.html",
        title=_("Page not found"),
        text=_("There is no page at this address. It may have moved, or the link may be wrong."),
    )
