"""The organizer's vote pages: open, close and publish votes, the refused domains, the integrity page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from contest import deadlines
from contest.models import Contest

from .. import selectors, services
from ..forms import DomainsForm, VoidForm, VoteForm
from ..models import Ballot, Vote


def _managed(request: HttpRequest, slug: str) -> Contest:
    """The contest, if the person organizes it; a 404 for everyone else, so its existence is not confirmed."""
    contest = Contest.objects.filter(slug=slug).first()
    if contest is None or not request.user.has_perm("voting.manage_votes", contest):
        raise Http404
    return contest


def _act(request: HttpRequest, call, success: str, back: str) -> HttpResponse:
    try:
        call()
    except services.VoteRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(back)


def _errors_shown(request: HttpRequest, form) -> bool:
    if form.is_valid():
        return False
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return True


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _managed(request, slug)
    settings = services.settings_of(contest)
    now = timezone.now()
    votes = selectors.votes_of(contest)
    for vote in votes:
        vote.time_over = deadlines.vote_time_over(vote, now)
    return render(request, "voting/manage.html", {
        "contest": contest,
        "votes": votes,
        "vote_form": VoteForm(contest=contest),
        "domains_form": DomainsForm(initial={"domains": "\n".join(settings.refused_domains)}),
    })


@login_required
@require_POST
def open_vote(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _managed(request, slug)
    form = VoteForm(request.POST, contest=contest)
    back = reverse("voting:manage", args=[slug])
    if _errors_shown(request, form):
        return redirect(back)
    return _act(request, lambda: services.open_vote(contest=contest, by=request.user, now=timezone.now(),
                                                    **form.cleaned_data),
                _("The vote is set. Visitors can vote between its dates; nobody sees the totals until you "
                  "publish them."), back)


def _managed_vote(request: HttpRequest, slug: str, vote_id: int) -> Vote:
    contest = _managed(request, slug)
    return get_object_or_404(Vote.objects.select_related("contest", "category"), pk=vote_id, contest=contest)


@login_required
@require_POST
def close_vote(request: HttpRequest, slug: str, vote_id: int) -> HttpResponse:
    vote = _managed_vote(request, slug, vote_id)
    return _act(request, lambda: services.close_vote(vote=vote, by=request.user, now=timezone.now()),
                _("The vote is closed. Its totals stay hidden until you publish them."),
                reverse("voting:manage", args=[slug]))


@login_required
@require_POST
def publish_totals(request: HttpRequest, slug: str, vote_id: int) -> HttpResponse:
    vote = _managed_vote(request, slug, vote_id)
    return _act(request, lambda: services.publish_totals(vote=vote, by=request.user, now=timezone.now()),
                _("The totals are published; the gallery shows the people's choice."),
                reverse("voting:manage", args=[slug]))


@login_required
@require_POST
def change_domains(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _managed(request, slug)
    form = DomainsForm(request.POST)
    if _errors_shown(request, form):
        return redirect(reverse("voting:manage", args=[slug]))
    return _act(request, lambda: services.set_refused_domains(contest=contest, text=form.cleaned_data["domains"],
                                                              by=request.user, now=timezone.now()),
                _("The list of refused domains is saved."), reverse("voting:manage", args=[slug]))


@login_required
def integrity(request: HttpRequest, slug: str, vote_id: int) -> HttpResponse:
    vote = _managed_vote(request, slug, vote_id)
    block, domain = request.GET.get("block", "")[:49], request.GET.get("domain", "")[:255]
    figures = selectors.integrity(vote=vote)
    return render(request, "voting/integrity.html", {
        "contest": vote.contest, "vote": vote, "figures": figures,
        "countries": [(countries.name(code) if code else "", n) for code, n in figures.countries],
        "ballots": selectors.ballots_for_review(vote=vote, bursts=figures.bursts, block=block, domain=domain),
        "review_block": block, "review_domain": domain,
    })


@login_required
@require_POST
def void_ballot(request: HttpRequest, slug: str, vote_id: int, ballot_id: int) -> HttpResponse:
    vote = _managed_vote(request, slug, vote_id)
    ballot = get_object_or_404(Ballot, pk=ballot_id, vote=vote)
    back = reverse("voting:integrity", args=[slug, vote.pk])
    form = VoidForm(request.POST)
    if _errors_shown(request, form):
        return redirect(back)
    return _act(request, lambda: services.void_ballot(ballot=ballot, reason=form.cleaned_data["reason"],
                                                      by=request.user, now=timezone.now()),
                _("The vote is voided; the reason is in the audit log."), back)

