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


def announced_contest(
    request: HttpRequest, slug: str, *, permission: str = "results.view_results"
) -> tuple[Contest, ContestResults]:
    """The contest and its results, if the person has the permission (seeing them once announced, or
    previewing them as an organizer); a 404 for everyone else."""
    contest = Contest.objects.filter(slug=slug).first()
    if contest is None or not request.user.has_perm(permission, contest):
        raise Http404
    return contest, selectors.results_for(contest)
