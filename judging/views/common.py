"""What the judging views share: refusals shown as messages, and the organizer's gate."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from contest.models import Contest

from .. import media
from ..models import Round
from ..services import JudgingRefused


def show(request: HttpRequest, refusal: JudgingRefused) -> None:
    for message in refusal.messages:
        messages.error(request, message)


def organized_contest(request: HttpRequest, slug: str) -> Contest:
    """A contest the person organizes (or any, for staff); everybody else gets 404, not a hint it exists."""
    contest = get_object_or_404(Contest, slug=slug)
    if not request.user.has_perm("judging.manage_judging", contest):
        raise Http404
    return contest


def organized_round(request: HttpRequest, round_id: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
    if not request.user.has_perm("judging.manage_round", round_):
        raise Http404
    return round_


def captions_response(attachment) -> HttpResponse:
    """A caption file as clean WebVTT for the page's video player, or 404 when there is none to show."""
    text = media.caption_webvtt(attachment) if attachment else None
    if text is None:
        raise Http404
    response = HttpResponse(text, content_type="text/vtt; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
