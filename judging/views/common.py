"""What the judging views share: refusals shown as messages, and the organizer's gate."""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from contest.models import Contest

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
