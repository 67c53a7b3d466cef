"""Public contest pages: home, a contest's call, and the about and privacy pages."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .describe import category_rules
from .enums import ContestStatus
from .models import Contest


def home(request: HttpRequest) -> HttpResponse:
    current, past = selectors.contests_for_home(now=timezone.now())
    return render(request, "contest/home.html", {"current_contests": current, "past_contests": past})


def contest_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        contest = selectors.contest_for_page(slug=slug)
    except Contest.DoesNotExist:
        raise Http404 from None
    now = timezone.now()
    categories = [(category, category_rules(category)) for category in contest.categories.all()]
    context = {
        "contest": contest,
        "themes": contest.themes.all(),
        "categories": categories,
        "not_yet_open": contest.opens_at > now,
        "taking_entries": contest.status == ContestStatus.OPEN and contest.opens_at <= now < contest.closes_at,
    }
    return render(request, "contest/detail.html", context)


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")
