"""The organizer's processing page: the queues as they stand, this contest's files that are stuck or held up, and
the last storage check."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from contest.models import Contest

from . import selectors, storage_check
from .media import sweeper
from .models import GAVE_UP, ProcessingJob, of_current_file

SHOWN = 100


@login_required
def processing(request: HttpRequest, slug: str) -> HttpResponse:
    contest = get_object_or_404(Contest, slug=slug)
    if not request.user.has_perm("submissions.view_processing", contest):
        raise Http404
    now = timezone.now()
    late = sweeper.unfinished_for_a_day(now=now).filter(asset__entry__contest=contest)
    held = (
        ProcessingJob.objects.filter(of_current_file(), asset__entry__contest=contest, error_code=GAVE_UP)
        .select_related("asset__entry")
        .order_by("-finished_at")
    )
    queues = [
        {
            "figures": figures,
            "oldest_wait": selectors.about(figures.oldest_wait) if figures.oldest_wait else "",
            "per_minute": round(figures.per_minute, 1) if figures.per_minute else None,
            "clears_in": selectors.about(figures.clears_in) if figures.waiting and figures.clears_in else "",
        }
        for figures in selectors.queue_figures(now=now)
    ]
    check = storage_check.latest()
    context = {
        "contest": contest,
        "storage_check": check,
        "missing_here": selectors.entries_with_missing_files(contest=contest, check=check),
        "queues": queues,
        "late": list(late[:SHOWN]),
        "late_count": late.count(),
        "held": list(held[:SHOWN]),
        "now": now,
    }
    response = render(request, "submissions/processing.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
