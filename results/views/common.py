"""What the results views share: finding the contest the person may manage, or may see results of."""

from django.http import Http404, HttpRequest

from contest.models import Contest

from .. import selectors
from ..models import ContestResults


def managed_contest(request: HttpRequest, slug: str) -> Contest:
    """The contest, if the person organizes it; a 404 for everyone else, so its existence is not confirmed."""
    contest = Contest.objects.filter(slug=slug).first()
    if contest is None or not request.user.has_perm("results.manage_results", contest):
        raise Http404
    return contest


def announced_contest(request: HttpRequest, slug: str, *, preview: bool = True) -> tuple[Contest, ContestResults]:
    """The contest and its results once announced; before, a 404 for all but (with `preview`) its organizers."""
    contest = Contest.objects.filter(slug=slug).first()
    if contest is None:
        raise Http404
    results = selectors.results_for(contest)
    if results.announced_at:
        return contest, results
    if preview and request.user.has_perm("results.manage_results", contest):
        return contest, results
    raise Http404
