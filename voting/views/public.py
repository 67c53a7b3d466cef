"""The public vote: choose a work and give an address; follow the emailed link; the totals once published.

Nothing of a vote exists for the public before the exhibition does (404), and its totals not before the
organizers publish them (404, for organizers too).
"""

from allauth.core import ratelimit
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contest import deadlines

from .. import selectors, services
from ..forms import BallotForm
from ..models import Vote


def _vote(request: HttpRequest, slug: str, vote_id: int, permission: str = "voting.view_vote") -> Vote:
    vote = Vote.objects.select_related("contest", "category").filter(pk=vote_id, contest__slug=slug).first()
    if vote is None or not request.user.has_perm(permission, vote):
        raise Http404
    return vote


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "voting/too_many.html", status=429)


@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, slug, vote_id)
    now = timezone.now()
    rows = selectors.choice_rows(vote=vote)
    verdict = deadlines.vote_open(vote, now)
    form = BallotForm(request.POST or None, entries=[row.entry for row in rows])
    status, sent_to = 200, ""
    if request.method == "POST" and not verdict:
        status = 403
    elif request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # Per visitor's network address and per email address, an hour at a time (ACCOUNT_RATE_LIMITS).
        if not ratelimit.consume(request, action="vote_link", key=services.normalised(email)):
            return _too_many(request)
        try:
            token = services.ballot_link(vote=vote, entry_id=form.cleaned_data["entry"], email=email, now=now)
        except services.VoteRefused as error:
            form.add_error(error.field, error.message)
            status = error.status
        else:
            link = request.build_absolute_uri(reverse("voting:confirm", args=[slug]) + f"?token={token}")
            entry = next(row.entry for row in rows if row.entry.pk == form.cleaned_data["entry"])
            context = {"vote": vote, "contest": vote.contest, "entry": entry, "link": link,
                       "hours": services.LINK_VALID_FOR // 3600}
            send_mail(render_to_string("voting/email/link_subject.txt", context).strip(),
                      render_to_string("voting/email/link_message.txt", context),
                      settings.DEFAULT_FROM_EMAIL, [email])
            sent_to = email
    elif request.method == "POST":
        status = 400
    return render(request, "voting/ballot.html", {
        "vote": vote, "contest": vote.contest, "rows": rows, "form": form, "verdict": verdict, "sent_to": sent_to,
        "totals_public": request.user.has_perm("voting.view_totals", vote),
    }, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """GET shows the linked choice with a button (mail scanners follow links); POST casts the ballot."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    now = timezone.now()
    context = {"token": token}
    try:
        link = services.read_link(token, now=now)
        if link.vote.contest.slug != slug:
            raise Http404
        context.update(vote=link.vote, contest=link.vote.contest, entry=link.entry)
        if request.method == "POST":
            if not ratelimit.consume(request, action="vote_cast"):
                return _too_many(request)
            country = request.META.get(settings.VOTING_COUNTRY_HEADER, "") if settings.VOTING_COUNTRY_HEADER else ""
            ballot, created = services.cast_ballot(link=link, address=services.Address.of(get_ip(request), country),
                                                   now=now)
            context.update(ballot=ballot, created=created)
    except services.VoteRefused as error:
        context["refusal"] = error.message
        return render(request, "voting/confirm.html", context, status=error.status)
    return render(request, "voting/confirm.html", context)


def totals(request: HttpRequest, slug: str, vote_id: int) -> HttpResponse:
    vote = _vote(request, slug, vote_id, permission="voting.view_totals")
    rows = selectors.totals(vote=vote)
    return render(request, "voting/totals.html", {"vote": vote, "contest": vote.contest, "rows": rows,
                                                  "counted": sum(n for _entry, n in rows)})

