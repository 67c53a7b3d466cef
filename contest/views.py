"""Public contest pages: home, a contest's call, and the about and privacy pages."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines, registration, rules, selectors
from .describe import category_rules
from .enums import RegistrationStatus
from .forms import GuardianRequestForm, RegistrationForm
from .models import Contest, Registration


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
    mine = None
    if request.user.is_authenticated:
        mine = Registration.objects.filter(contest=contest, user=request.user).first()
    context = {
        "contest": contest,
        "themes": contest.themes.all(),
        "categories": categories,
        "not_yet_open": deadlines.opens_later(contest, now),
        "taking_entries": bool(deadlines.entries_open(contest, now)),
        "registration": mine,
        "must_accept_rules": bool(mine and registration.must_accept_rules_again(registration=mine, contest=contest)),
    }
    return render(request, "contest/detail.html", context)


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def _public_contest(slug: str) -> Contest:
    try:
        return selectors.public_contests().get(slug=slug)
    except Contest.DoesNotExist:
        raise Http404 from None


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """Accept the rules and the privacy notice, and learn at once whether you may enter."""
    contest = _public_contest(slug)
    if not request.user.profile_complete:
        messages.info(request, _("First tell us your name, date of birth and country: eligibility depends on them."))
        return redirect(f"{reverse('accounts:profile')}?next={request.path}")
    now = timezone.now()
    if not (allowed := rules.may_register(request.user, contest, now=now)):
        if not (eligible := rules.may_take_part(request.user, contest, now=now)):
            # Said before the rules and the consents: nobody ticks boxes for a contest they cannot enter.
            context = {"contest": contest, "ineligible": eligible.reason}
            return render(request, "contest/register.html", context, status=403)
        messages.error(request, allowed.reason)
        return redirect("contest:detail", slug=slug)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            registration.register(contest=contest, user=request.user, now=timezone.now())
            return redirect("contest:registration", slug=slug)
        status = 400
    else:
        status = 200
    mine = Registration.objects.filter(contest=contest, user=request.user).first()
    again = bool(mine and registration.must_accept_rules_again(registration=mine, contest=contest))
    accepting_again = mine if again else None
    context = {"contest": contest, "form": form, "accepting_again": accepting_again}
    return render(request, "contest/register.html", context, status=status)


@login_required
def registration_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Your registration: eligible or not, and exactly why, in your language."""
    contest = _public_contest(slug)
    try:
        mine = selectors.registration_for(contest=contest, user=request.user)
    except Registration.DoesNotExist:
        return redirect("contest:register", slug=slug)
    check = mine.checks.latest()
    decision = registration.explain(check)
    form = GuardianRequestForm(request.POST or None, entrant_email=request.user.email)
    status = 200
    asks_guardian = mine.status in (RegistrationStatus.AWAITING_GUARDIAN, RegistrationStatus.GUARDIAN_REFUSED)
    if request.method == "POST" and not asks_guardian:
        messages.error(request, _("Your registration needs no consent from a parent or guardian."))
        return redirect("contest:registration", slug=slug)
    if request.method == "POST":
        if form.is_valid():
            registration.request_guardian_consent(
                registration=mine, guardian_email=form.cleaned_data["guardian_email"], now=timezone.now()
            )
            messages.success(request, _("We have emailed your parent or guardian. You can enter once they agree."))
            return redirect("contest:registration", slug=slug)
        status = 400
    context = {
        "contest": contest,
        "registration": mine,
        "decision": decision,
        "check": check,
        "form": form,
        "consent": getattr(mine, "guardian_consent", None),
        "must_accept_rules": registration.must_accept_rules_again(registration=mine, contest=contest),
    }
    return render(request, "contest/registration.html", context, status=status)


def guardian(request: HttpRequest, token: str) -> HttpResponse:
    """A parent or guardian reads what the young person is entering, and consents or refuses."""
    consent = registration.consent_for_token(token)
    if consent is None:
        return render(request, "contest/guardian_link_invalid.html", status=404)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("consent", "refuse"):
            messages.error(request, _("Choose one of the two buttons: I consent, or I do not consent."))
            context = {"consent": consent, "contest": consent.registration.contest}
            return render(request, "contest/guardian.html", context, status=400)
        # The visitor's own address, also behind nginx (TRUSTED_PROXY_COUNT), as the sign-in limits count it.
        ip = get_adapter(request).get_client_ip(request)
        registration.record_guardian_decision(consent=consent, consents=answer == "consent", ip=ip, now=timezone.now())
        consent.refresh_from_db()
    return render(request, "contest/guardian.html", {"consent": consent, "contest": consent.registration.contest})
