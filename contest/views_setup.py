"""The organizer's pages that set a contest up: create or copy, dates, themes, categories, rules, eligibility,
the texts in every language, and the moves open, close early, archive. The state changes only through the
services' moves, never by editing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import deadlines, inputs, services
from .enums import ContestStatus, Role
from .forms import (
    CONTEST_TEXTS,
    PART_TEXTS,
    CategoryFormSet,
    DatesForm,
    EligibilityForm,
    NewContestForm,
    RulesForm,
    ThemeFormSet,
    text_languages,
    texts_form,
)
from .models import Contest, Registration

# The moves these pages offer; judging and announcing belong to the judging and results pages.
MOVES = {
    "open": ContestStatus.OPEN,
    "close": ContestStatus.CLOSED,
    "draft": ContestStatus.DRAFT,
    "archive": ContestStatus.ARCHIVED,
}


def managed_contest(request: HttpRequest, slug: str) -> Contest:
    """A contest the person organizes (or any, for staff); everybody else gets 404, not a hint it exists."""
    contest = get_object_or_404(Contest, slug=slug)
    if not request.user.has_perm("contest.manage_contest", contest):
        raise Http404
    return contest


def _organized(request: HttpRequest):
    """The contests this person may copy from: those they organize (every one, for staff)."""
    contests = Contest.objects.order_by("-opens_at")
    if request.user.has_perm("contest.manage_contest", Contest()):  # staff: no role needed
        return contests
    return contests.filter(roles__user=request.user, roles__role=Role.ORGANIZER).distinct()


def _chosen(sources, value: str):
    """The contest to copy named in the request, or None (the form then says what is wrong)."""
    try:
        return sources.filter(pk=inputs.object_id(value)).first()
    except Http404:
        return None


@login_required
def new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("contest.create_contest"):
        raise PermissionDenied
    sources = _organized(request)
    initial = {}
    if request.GET.get("copy"):
        initial["copy_from"] = _chosen(sources, request.GET["copy"])
    form = NewContestForm(request.POST or None, sources=sources, initial=initial)
    status = 200
    if request.method == "POST":
        zone = request.POST.get("time_zone", "UTC")
        source = _chosen(sources, request.POST.get("copy_from", ""))
        zone = source.time_zone if source else zone
        with timezone.override(zone if zone in dict(form.fields["time_zone"].choices) else "UTC"):
            valid = form.is_valid()
        if valid:
            data = form.cleaned_data
            now = timezone.now()
            if data["copy_from"]:
                contest = services.copy_contest(
                    source=data["copy_from"], by=request.user, now=now, slug=data["slug"], title=data["title"],
                    opens_at=data["opens_at"], closes_at=data["closes_at"], summary=data["summary"],
                )
                messages.success(request, _("The copy is ready, as a draft. Check its dates and texts."))
            else:
                contest = services.create_contest(
                    by=request.user, now=now, slug=data["slug"], title_en=data["title"], summary_en=data["summary"],
                    time_zone=data["time_zone"], opens_at=data["opens_at"], closes_at=data["closes_at"],
                )
                messages.success(request, _("The contest is created, as a draft."))
            return redirect("contest:setup", slug=contest.slug)
        status = 400
    return render(request, "contest/setup/new.html", {"form": form}, status=status)


def _gaps(contest: Contest) -> list[str]:
    """What the contest lacks before it can open."""
    gaps = []
    if not contest.themes.exists():
        gaps.append(_("Add at least one theme."))
    if not contest.categories.exists():
        gaps.append(_("Add at least one category."))
    if not (contest.rules_text_en or "").strip():
        gaps.append(_("Write the rules in English."))
    if not (contest.summary_en or "").strip():
        gaps.append(_("Write the summary in English."))
    return gaps


def _untranslated(contest: Contest) -> list[dict]:
    """Per language but English: how many texts are written in English and not yet in it."""
    forms = _text_forms(contest, data=None)
    counts = {}
    for form in [*forms, RulesForm(instance=contest)]:
        for row in form.rows():
            for cell in row["cells"]:
                if cell["missing"]:
                    counts[cell["code"]] = counts.get(cell["code"], 0) + 1
    return [
        {"code": code, "name": forms[0].fields[f"title_{suffix}"].label, "count": counts.get(code, 0)}
        for code, suffix in text_languages()
        if code != "en"
    ]


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    now = timezone.now()
    registrations = Registration.objects.filter(contest=contest).aggregate(
        total=Count("pk"), waiting=Count("pk", filter=Q(rules_version__lt=contest.rules_version))
    )
    moves = [
        (name, to) for name, to in MOVES.items() if to in services.TRANSITIONS[contest.status]
    ]
    context = {
        "contest": contest,
        "gaps": _gaps(contest),
        "untranslated": _untranslated(contest),
        "moves": moves,
        "closing_early": deadlines.before_deadline(contest, now),
        "registrations": registrations,
        "themes": contest.themes.all(),
        "categories": contest.categories.all(),
    }
    return render(request, "contest/setup/overview.html", context)


@login_required
@require_POST
def move(request: HttpRequest, slug: str, move: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    if move not in MOVES:
        raise Http404
    to = MOVES[move]
    if to == ContestStatus.OPEN and (gaps := _gaps(contest)):
        for gap in gaps:
            messages.error(request, gap)
        return redirect("contest:setup", slug=slug)
    try:
        services.change_contest_status(contest=contest, to=to, by=request.user, now=timezone.now())
    except services.IllegalTransition:
        messages.error(
            request,
            _("The contest is “%(state)s” and cannot become “%(to)s”.")
            % {"state": contest.get_status_display(), "to": ContestStatus(to).label},
        )
    else:
        messages.success(request, _("The contest is now “%(state)s”.") % {"state": contest.get_status_display()})
    return redirect("contest:setup", slug=slug)


def _form_page(request, contest, form_class, template: str, title: str, *, zone: str | None = None):
    """A set-up page with one ModelForm on the contest, saved through the service with its audit row."""
    form = form_class(request.POST or None, instance=contest)
    status = 200
    with timezone.override(zone or contest.time_zone):
        if request.method == "POST":
            if form.is_valid():
                services.save_setup(contest=contest, by=request.user, now=timezone.now(), form=form)
                messages.success(request, _("Saved."))
                return redirect(request.path)
            status = 400
        return render(request, template, {"contest": contest, "form": form, "title": title}, status=status)


@login_required
def dates(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    # Times are typed in the zone the form names (it may be changing with them), shown in the contest's.
    zone = request.POST.get("time_zone") if request.method == "POST" else None
    if zone not in dict(DatesForm.base_fields["time_zone"].choices):
        zone = None
    return _form_page(request, contest, DatesForm, "contest/setup/dates.html", _("Dates and limits"), zone=zone)


@login_required
def eligibility(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    return _form_page(request, contest, EligibilityForm, "contest/setup/form.html", _("Who may take part"))


def _parts_page(request, contest, formset_class, title: str, intro: str) -> HttpResponse:
    queryset = formset_class.model.objects.filter(contest=contest).order_by("position", "pk")
    formset = formset_class(request.POST or None, instance=contest, queryset=queryset)
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            services.save_parts(contest=contest, by=request.user, now=timezone.now(), formset=formset)
            messages.success(request, _("Saved."))
            return redirect(request.path)
        status = 400
    context = {"contest": contest, "formset": formset, "title": title, "intro": intro}
    return render(request, "contest/setup/parts.html", context, status=status)


@login_required
def themes(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    intro = _("Titles and descriptions in English here; their other languages are on the texts page.")
    return _parts_page(request, contest, ThemeFormSet, _("Themes"), intro)


@login_required
def categories(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    intro = _("Each category takes one kind of work, with its formats and limits. Leave a limit empty for none.")
    return _parts_page(request, contest, CategoryFormSet, _("Categories"), intro)


@login_required
def rules_text(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    form = RulesForm(request.POST or None, instance=contest)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            new_version = form.cleaned_data["publish_as"] == RulesForm.NEW_VERSION
            contest = services.publish_rules(
                contest=contest, by=request.user, now=timezone.now(), form=form, new_version=new_version
            )
            if new_version:
                messages.success(
                    request,
                    _("Version %(version)s of the rules is published. Registered entrants are asked to accept it.")
                    % {"version": contest.rules_version},
                )
            else:
                messages.success(request, _("Saved. The rules keep version %(version)s.")
                                 % {"version": contest.rules_version})
            return redirect(request.path)
        status = 400
    registered = Registration.objects.filter(contest=contest).count()
    context = {"contest": contest, "form": form, "registered": registered}
    return render(request, "contest/setup/rules.html", context, status=status)


def _text_forms(contest: Contest, data) -> list:
    ContestTexts = texts_form(Contest, CONTEST_TEXTS)
    forms = [ContestTexts(data, instance=contest, texts=CONTEST_TEXTS, prefix="contest")]
    forms[0].heading = _("The contest")
    for part in [*contest.themes.order_by("position", "pk"), *contest.categories.order_by("position", "pk")]:
        form = texts_form(type(part), PART_TEXTS)(data, instance=part, texts=PART_TEXTS,
                                                   prefix=f"{part._meta.model_name}-{part.pk}")
        form.heading = f"{part._meta.verbose_name.capitalize()}: {part.title_en or ''}"
        forms.append(form)
    return forms


@login_required
def texts(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    forms = _text_forms(contest, request.POST or None)
    status = 200
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            services.save_texts(contest=contest, by=request.user, now=timezone.now(), forms=forms)
            messages.success(request, _("Saved."))
            return redirect(request.path)
        status = 400
    context = {"contest": contest, "forms": forms, "untranslated": _untranslated(contest)}
    return render(request, "contest/setup/texts.html", context, status=status)
