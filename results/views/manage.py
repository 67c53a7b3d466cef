"""The organizer's results pages: the final ranking and its tie-break, awards, verification, the announcement,
feedback moderation, notifications, exports and statistics. Thin: parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest.inputs import object_id, whole_number
from contest.models import Category, Theme
from judging.media import organizer_works
from judging.models import Score
from submissions.models import Entry

from .. import exports, selectors, services
from ..enums import TieBreakStep
from ..forms import (
    AwardForm,
    EntryFilterForm,
    FeedbackForm,
    ScheduleForm,
    SettingsForm,
    TieBreakForm,
    TieDecisionForm,
    VerificationForm,
)
from ..models import Award, WinnerVerification
from .common import managed_contest


def _refused(request: HttpRequest, error: services.ResultsRefused) -> None:
    for message in error.messages:
        messages.error(request, message)


def _act(request: HttpRequest, slug: str, call, success: str) -> HttpResponse:
    """Run one service call; show its refusal, or `success`, on the results page, and go back there."""
    try:
        call()
    except services.ResultsRefused as error:
        _refused(request, error)
    else:
        messages.success(request, success)
    return redirect("results:manage", slug=slug)


def _errors_shown(request: HttpRequest, form) -> bool:
    """An invalid form's errors become messages on the results page, which these forms post from."""
    if form.is_valid():
        return False
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return True


def _tie_break_initial(results) -> dict:
    initial = {f"step_{i}": step for i, step in enumerate(results.steps, start=1)}
    initial["criterion"] = results.tie_break_criterion_id
    return initial


def _start(request: HttpRequest) -> int:
    return whole_number(request.GET, "start") or 0


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    results = selectors.results_for(contest)
    standings = selectors.standings_page(contest=contest, start=_start(request), results=results)
    themes, categories = list(contest.themes.all()), list(contest.categories.all())
    awards = selectors.awards_of(contest=contest, themes=themes, categories=categories)
    tie_forms = []
    for group in standings.ties:
        form = TieDecisionForm(tied_ids=[row.entry_id for row in group], prefix=f"tie{group[0].rank}",
                               initial={"entries": ",".join(str(row.entry_id) for row in group)})
        rows = [(row, standings.entries.get(row.entry_id), form[f"position_{row.entry_id}"]) for row in group]
        tie_forms.append((form, rows))
    context = {
        "contest": contest,
        "results": results,
        "standings": standings,
        "ranking_rows": [(row, standings.entries.get(row.entry_id), TieBreakStep(row.separated_by).label
                          if row.separated_by else "") for row in standings.rows],
        "steps": [TieBreakStep(step) for step in standings.steps],
        "tie_break_locked": selectors.tie_break_locked(contest),
        "tie_break_form": TieBreakForm(contest=contest, initial=_tie_break_initial(results)),
        "tie_forms": tie_forms,
        "awards": awards,
        "award_form": AwardForm(contest=contest, themes=themes, categories=categories),
        "award_warnings": selectors.award_warnings(contest=contest, round_=standings.round),
        "schedule_form": ScheduleForm(contest=contest),
        "settings_form": SettingsForm(initial={"shortlist_size": results.shortlist_size,
                                               "include_feedback": results.include_feedback,
                                               "retention_days": results.retention_days}),
        "counts": selectors.notification_counts(contest=contest),
        "themes": themes,
        "categories": categories,
    }
    return render(request, "results/manage.html", context)


@login_required
@require_POST
def declare_tie_break(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    form = TieBreakForm(request.POST, contest=contest)
    if _errors_shown(request, form):
        return redirect("results:manage", slug=slug)
    return _act(
        request,
        slug,
        lambda: services.declare_tie_break(
            contest=contest, steps=form.cleaned_data["steps"], criterion=form.cleaned_data.get("criterion"),
            by=request.user, now=timezone.now(),
        ),
        _("The tie-break rule is declared."),
    )


@login_required
@require_POST
def decide_tie(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    prefix = request.POST.get("prefix", "")
    raw_ids = request.POST.get(f"{prefix}-entries", "")
    try:
        tied_ids = [int(pk) for pk in raw_ids.split(",") if pk]
    except ValueError:
        raise Http404 from None
    form = TieDecisionForm(request.POST, tied_ids=tied_ids, prefix=prefix)
    try:
        if not form.is_valid():
            raise services.ResultsRefused(*[e for errors in form.errors.values() for e in errors])
        ordered = form.ordered_ids()
        entries = Entry.objects.in_bulk(ordered)
        services.decide_tie(contest=contest, entries=[entries[pk] for pk in ordered if pk in entries],
                            reason=form.cleaned_data["reason"], by=request.user, now=timezone.now())
    except services.ResultsRefused as error:
        _refused(request, error)
    except ValidationError as error:  # two entries given the same place
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The tie is decided; the reason is recorded."))
    return redirect("results:manage", slug=slug)


@login_required
@require_POST
def give_award(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    form = AwardForm(request.POST, contest=contest)
    if _errors_shown(request, form):
        return redirect("results:manage", slug=slug)
    warnings = selectors.award_warnings(contest=contest, entry=form.cleaned_data["entry"])
    if warnings and request.POST.get("despite_warnings") != "1":
        # Said before the award exists: the organizer gives it anyway, or goes back.
        entry = selectors.award_entry(entry=form.cleaned_data["entry"])
        context = {"contest": contest, "warnings": warnings, "entry": entry,
                   "work": organizer_works([entry])[entry.pk],
                   "fields": [(name, value) for name, value in request.POST.items()
                              if name not in ("csrfmiddlewaretoken", "despite_warnings")]}
        return render(request, "results/award_confirm.html", context, status=409)
    scope = form.cleaned_data.get("scope") or ""
    theme = category = None
    if scope.startswith("theme:"):
        theme = Theme.objects.filter(contest=contest, pk=scope.split(":")[1]).first()
    elif scope.startswith("category:"):
        category = Category.objects.filter(contest=contest, pk=scope.split(":")[1]).first()
    return _act(
        request,
        slug,
        lambda: services.give_award(
            contest=contest, entry=form.cleaned_data["entry"], kind=form.cleaned_data["kind"], theme=theme,
            category=category, texts=form.texts(), by=request.user, now=timezone.now(),
        ),
        _("The award is given. Verify the entrant before the announcement."),
    )


@login_required
@require_POST
def withdraw_award(request: HttpRequest, slug: str, award_id: int) -> HttpResponse:
    contest = managed_contest(request, slug)
    award = get_object_or_404(Award, pk=award_id, contest=contest)
    return _act(
        request,
        slug,
        lambda: services.withdraw_award(award=award, by=request.user, now=timezone.now()),
        _("The award is withdrawn."),
    )


@login_required
def verify(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    contest = managed_contest(request, slug)
    entry = get_object_or_404(Entry.objects.select_related("entrant"), pk=entry_id, contest=contest,
                              awards__isnull=False)
    verification = WinnerVerification.objects.filter(entry=entry).first()
    initial = {}
    if verification:
        initial = {f: getattr(verification, f) for f in ("identity_checked", "age_checked", "publish_name",
                                                         "publish_country", "note")}
    form = VerificationForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                verification = services.verify_winner(
                    entry=entry, by=request.user, now=timezone.now(),
                    identity_checked=form.cleaned_data["identity_checked"],
                    age_checked=form.cleaned_data["age_checked"],
                    publish_name=form.cleaned_data["publish_name"],
                    publish_country=form.cleaned_data["publish_country"],
                    note=form.cleaned_data["note"], document=form.cleaned_data.get("document"),
                )
            except services.ResultsRefused as error:
                _refused(request, error)
                status = 400
            else:
                if verification.verified:
                    messages.success(request, _("The entrant is verified."))
                else:
                    messages.info(request, _("Saved. Tick both checks once they are done to verify the entrant."))
                return redirect("results:manage", slug=slug)
        else:
            status = 400
    entry = selectors.award_entry(entry=entry)
    context = {"contest": contest, "entry": entry, "form": form, "verification": verification,
               "work": organizer_works([entry])[entry.pk]}
    return render(request, "results/verify.html", context, status=status)


@login_required
@require_POST
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    form = ScheduleForm(request.POST, contest=contest)
    if _errors_shown(request, form):
        return redirect("results:manage", slug=slug)
    return _act(
        request,
        slug,
        lambda: services.schedule_announcement(
            contest=contest, at=form.cleaned_data["at"], by=request.user, now=timezone.now()
        ),
        _("The announcement is scheduled. Until then nobody else sees the results."),
    )


@login_required
@require_POST
def change_settings(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    form = SettingsForm(request.POST)
    if _errors_shown(request, form):
        return redirect("results:manage", slug=slug)
    return _act(
        request,
        slug,
        lambda: services.change_settings(contest=contest, by=request.user, now=timezone.now(), **form.cleaned_data),
        _("Saved."),
    )


@login_required
@require_POST
def retry_notifications(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    count = services.retry_failed(contest=contest, by=request.user, now=timezone.now())
    messages.success(request, _("%(count)s failed emails will be sent again.") % {"count": count})
    return redirect("results:manage", slug=slug)


@login_required
@require_POST
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    return _act(
        request,
        slug,
        lambda: services.archive_contest(contest=contest, by=request.user, now=timezone.now()),
        _("The contest is archived: its results are now read-only."),
    )


@login_required
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    status = 200
    if request.method == "POST":
        score = get_object_or_404(Score, pk=object_id(request.POST.get("score")), assignment__round__contest=contest)
        form = FeedbackForm(request.POST)
        if form.is_valid():
            services.moderate_feedback(score=score, approved=form.cleaned_data["decision"] == "approve",
                                       text=form.cleaned_data["text"] or score.feedback, by=request.user,
                                       now=timezone.now())
            messages.success(request, _("Saved."))
            return redirect("results:feedback", slug=slug)
        messages.error(request, _("Choose whether to send this feedback."))
        status = 400
    scores = selectors.feedback_to_moderate(contest=contest)
    return render(request, "results/feedback.html", {"contest": contest, "scores": scores}, status=status)


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_entries(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    contest = managed_contest(request, slug)
    filters = EntryFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.entries_for_export(
        contest=contest, theme_id=data.get("theme"), category_id=data.get("category"),
        status=data.get("status") or None, country=(data.get("country") or "").upper() or None,
    )
    return _csv_response(exports.entries_csv(entries), f"{contest.slug}-entries.csv")


@login_required
def export_scores(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    contest = managed_contest(request, slug)
    return _csv_response(exports.scores_csv(selectors.scores_for_export(contest=contest)),
                         f"{contest.slug}-scores.csv")


@login_required
def export_awards(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    contest = managed_contest(request, slug)
    return _csv_response(exports.awards_csv(selectors.awards_of(contest=contest)), f"{contest.slug}-awards.csv")


@login_required
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    contest = managed_contest(request, slug)
    stats = selectors.statistics(contest=contest)
    charts = [
        selectors.Chart(_("Entries by theme"), stats["theme"]),
        selectors.Chart(_("Entries by category"), stats["category"]),
        selectors.Chart(_("Entrants by country"), stats["country"]),
        selectors.Chart(_("Entrants by age band"), stats["age_band"]),
        selectors.Chart(_("Entrants by gender"), stats["gender"]),
        selectors.Chart(_("Entrants by language"), stats["language"]),
        selectors.Chart(_("Entries by week of first submission"), stats["week"]),
    ]
    context = {"contest": contest, "charts": charts, "registrations": stats["registrations"]}
    return render(request, "results/statistics.html", context)
