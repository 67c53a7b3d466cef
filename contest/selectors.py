"""Reads for the public contest pages."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from . import deadlines
from .enums import ContestStatus
from .models import Category, Contest, Registration, Theme

PUBLIC_STATUSES = [s for s in ContestStatus.values if s != ContestStatus.DRAFT]


def public_contests() -> QuerySet[Contest]:
    return Contest.objects.filter(status__in=PUBLIC_STATUSES)


def contests_for_home(*, now: datetime) -> tuple[list[Contest], list[Contest]]:
    """Contests taking entries (or about to), and past ones, for the home page."""
    current, past = [], []
    for contest in public_contests().order_by("closes_at"):
        if deadlines.before_deadline(contest, now):
            current.append(contest)
        else:
            past.append(contest)
    past.sort(key=lambda c: c.closes_at, reverse=True)
    return current, past


def contest_for_page(*, slug: str) -> Contest:
    return (
        public_contests()
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "pk")),
            Prefetch("categories", queryset=Category.objects.order_by("position", "pk")),
        )
        .get(slug=slug)
    )


def registration_for(*, contest: Contest, user) -> Registration:
    """The person's own registration; nobody else's can be reached this way."""
    return Registration.objects.select_related("contest").get(contest=contest, user=user)
