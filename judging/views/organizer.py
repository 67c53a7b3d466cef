"""The organizer's pages: screening, rounds and criteria, the panel and assignment, progress, results, audit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from contest.enums import Role
from submissions.models import Entry

from .. import audit, selectors, services
from ..enums import RoundState
from ..forms import (
    AddJudgeForm,
    AdvanceForm,
    AssignForm,
    CriterionForm,
    InviteForm,
    ReopenForm,
    RoundForm,
    ScreeningForm,
)
from ..models import Assignment, Criterion, JudgeInvitation, Round
from ..services.reminders import remind_judges_behind
from .common import organized_contest, organized_round, show


def _after(request: HttpRequest) -> int | None:
    after = request.GET.get("after", "")
    return int(after) if after.isdigit() else None


# --- The contest -----------------------------------------------------------------
@login_required
def contest(request: HttpRequest, slug: str) -> HttpResponse:
    contest = organized_contest(request, slug)
    invite_form = InviteForm(initial={"language": request.LANGUAGE_CODE})
    status = 200
    if request.method == "POST":
        invite_form = InviteForm(request.POST)
        if invite_form.is_valid():
            try:
                services.invite_judge(contest=contest, by=request.user, now=timezone.now(), **invite_form.cleaned_data)
            except services.JudgingRefused as refusal:
                show(request, refusal)
                status = 400
            else:
                messages.success(
                    request,
                    _("We have emailed %(email)s an invitation.") % {"email": invite_form.cleaned_data["email"]},
                )
                return redirect("judging:contest", slug=slug)
        else:
            status = 400
    context = {
        "contest": contest,
        "rounds": selectors.rounds_of(contest=contest),
        "invite_form": invite_form,
        "invitations": JudgeInvitation.objects.filter(contest=contest).select_related("round")[:50],
        "judges": User.objects.filter(contest_roles__contest=contest, contest_roles__role=Role.JUDGE).order_by(
            "full_name", "email"
        ),
    }
    return render(request, "judging/manage/contest.html", context, status=status)


@login_required
def audit_export(request: HttpRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    contest = organized_contest(request, slug)
    if fmt == "csv":
        response = StreamingHttpResponse(audit.export_csv(contest=contest), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = StreamingHttpResponse(audit.export_json(contest=contest), content_type="application/json")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="audit-{contest.slug}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Screening -----------------------------------------------------------------
@login_required
def screening(request: HttpRequest, slug: str) -> HttpResponse:
    contest = organized_contest(request, slug)
    undecided = request.GET.get("undecided") == "1"
    page = selectors.screening_list(contest=contest, after=_after(request), undecided_only=undecided)
    rows = []
    for row in page.items:
        decision = getattr(row.entry, "screening", None)
        initial = {"outcome": decision.outcome, "reason": decision.reason, "note": decision.note} if decision else {}
        rows.append((row, decision, ScreeningForm(initial=initial, prefix=f"e{row.entry.pk}")))
    unreleased = contest.entries.filter(screening__isnull=False, screening__released_at__isnull=True).count()
    context = {"contest": contest, "page": page, "rows": rows, "undecided": undecided, "unreleased": unreleased}
    return render(request, "judging/manage/screening.html", context)


@login_required
@require_POST
def screening_decide(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    contest = organized_contest(request, slug)
    entry = get_object_or_404(Entry, pk=entry_id, contest=contest)
    form = ScreeningForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            services.decide_screening(entry=entry, by=request.user, now=timezone.now(), **form.cleaned_data)
        except services.JudgingRefused as refusal:
            show(request, refusal)
        else:
            messages.success(request, _("%(reference)s: decision saved.") % {"reference": entry.reference})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{entry.reference}: {error}")
    return redirect(reverse("judging:screening", kwargs={"slug": slug}) + f"#entry-{entry.pk}")


@login_required
@require_POST
def screening_release(request: HttpRequest, slug: str) -> HttpResponse:
    contest = organized_contest(request, slug)
    count = services.release_screening(contest=contest, by=request.user, now=timezone.now())
    messages.success(
        request,
        ngettext(
            "%(count)s entrant is being told the outcome.", "%(count)s entrants are being told the outcome.", count
        )
        % {"count": count},
    )
    return redirect("judging:screening", slug=slug)


# --- Rounds and criteria -------------------------------------------------------------
@login_required
def round_new(request: HttpRequest, slug: str) -> HttpResponse:
    contest = organized_contest(request, slug)
    with timezone.override(contest.zone):
        form = RoundForm(request.POST or None, contest=contest)
        if request.method == "POST" and form.is_valid():
            try:
                round_ = services.create_round(
                    contest=contest, data=form.cleaned_data, by=request.user, now=timezone.now()
                )
            except services.JudgingRefused as refusal:
                show(request, refusal)
            else:
                messages.success(request, _("The round is created. Add its criteria and its judges."))
                return redirect("judging:round", round_id=round_.pk)
        status = 400 if request.method == "POST" else 200
        return render(request, "judging/manage/round_new.html", {"contest": contest, "form": form}, status=status)


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = organized_round(request, round_id)
    contest = round_.contest
    status = 200
    with timezone.override(contest.zone):
        round_form = RoundForm(instance=round_, contest=contest)
        criterion_form = CriterionForm(prefix="criterion")
        if request.method == "POST" and request.POST.get("form") == "round":
            round_form = RoundForm(request.POST, instance=Round.objects.get(pk=round_.pk), contest=contest)
            if round_form.is_valid():
                try:
                    services.update_round(
                        round=round_, data=round_form.cleaned_data, by=request.user, now=timezone.now()
                    )
                except services.JudgingRefused as refusal:
                    show(request, refusal)
                    status = 400
                else:
                    messages.success(request, _("The round is saved."))
                    return redirect("judging:round", round_id=round_.pk)
            else:
                status = 400
        elif request.method == "POST" and request.POST.get("form") == "criterion":
            criterion_form = CriterionForm(request.POST, prefix="criterion")
            if criterion_form.is_valid():
                try:
                    services.save_criterion(
                        round=round_, data=criterion_form.cleaned_data, by=request.user, now=timezone.now()
                    )
                except services.JudgingRefused as refusal:
                    show(request, refusal)
                    status = 400
                else:
                    messages.success(request, _("The criterion is added."))
                    return redirect("judging:round", round_id=round_.pk)
            else:
                status = 400
        round_.refresh_from_db()
        context = {
            "round": round_,
            "contest": contest,
            "round_form": round_form,
            "criterion_form": criterion_form,
            "criteria": list(round_.criteria.order_by("position", "pk")),
            "reopen_form": ReopenForm(),
            "entry_count": round_.round_entries.count(),
            "judge_count": round_.panel.filter(left_at__isnull=True).count(),
        }
        return render(request, "judging/manage/round.html", context, status=status)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, round_id: int, criterion_id: int) -> HttpResponse:
    round_ = organized_round(request, round_id)
    criterion = get_object_or_404(Criterion, pk=criterion_id, round=round_)
    try:
        services.delete_criterion(criterion=criterion, by=request.user, now=timezone.now())
    except services.JudgingRefused as refusal:
        show(request, refusal)
    else:
        messages.success(request, _("The criterion is deleted."))
    return redirect("judging:round", round_id=round_.pk)


@login_required
@require_POST
def round_state(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    round_ = organized_round(request, round_id)
    now = timezone.now()
    try:
        if action == "open":
            services.open_round(round=round_, by=request.user, now=now)
            messages.success(request, _("The round is open: its judges can score."))
        elif action == "close":
            services.close_round(round=round_, by=request.user, now=now)
            messages.success(request, _("The round is closed: no score can change now."))
        elif action == "reopen":
            form = ReopenForm(request.POST)
            if not form.is_valid():
                for error in form.errors["reason"]:
                    messages.error(request, error)
                return redirect("judging:round", round_id=round_.pk)
            services.reopen_round(round=round_, by=request.user, now=now, reason=form.cleaned_data["reason"])
            messages.success(request, _("The round is open again; the reopening is recorded."))
        elif action in ("discussion-on", "discussion-off"):
            services.set_discussion(round=round_, open=action == "discussion-on", by=request.user, now=now)
            messages.success(
                request,
                _("Judges who submitted now see each other's scores.")
                if action == "discussion-on"
                else _("Judges no longer see each other's scores."),
            )
        else:
            raise Http404
    except services.JudgingRefused as refusal:
        show(request, refusal)
    return redirect("judging:round", round_id=round_.pk)


# --- The panel and assignment ------------------------------------------------------------
def _contest_judges(round_: Round):
    return User.objects.filter(contest_roles__contest_id=round_.contest_id, contest_roles__role=Role.JUDGE).order_by(
        "full_name", "email"
    )


def _panel_judges(round_: Round):
    return User.objects.filter(panels__round=round_, panels__left_at__isnull=True).order_by("full_name", "email")


@login_required
def panel(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = organized_round(request, round_id)
    now = timezone.now()
    plan = None
    status = 200
    add_form = AddJudgeForm(judges=_contest_judges(round_).exclude(panels__round=round_, panels__left_at__isnull=True))
    assign_form = AssignForm(judges=_panel_judges(round_))
    invite_form = InviteForm(initial={"language": request.LANGUAGE_CODE}, prefix="invite")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                add_form = AddJudgeForm(request.POST, judges=add_form.fields["judge"].queryset)
                if add_form.is_valid():
                    services.add_to_panel(round=round_, judge=add_form.cleaned_data["judge"], by=request.user, now=now)
                    messages.success(
                        request, _("%(judge)s is on the panel.") % {"judge": add_form.cleaned_data["judge"]}
                    )
                    return redirect("judging:panel", round_id=round_.pk)
                status = 400
            elif action == "remove":
                judge = get_object_or_404(_panel_judges(round_), pk=request.POST.get("judge"))
                services.remove_from_panel(round=round_, judge=judge, by=request.user, now=now)
                messages.success(
                    request,
                    _("%(judge)s has left the panel; their submitted scores stay, the rest was shared again.")
                    % {"judge": judge},
                )
                return redirect("judging:panel", round_id=round_.pk)
            elif action == "invite":
                invite_form = InviteForm(request.POST, prefix="invite")
                if invite_form.is_valid():
                    services.invite_judge(
                        contest=round_.contest, round=round_, by=request.user, now=now, **invite_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("We have emailed %(email)s an invitation to this panel.")
                        % {"email": invite_form.cleaned_data["email"]},
                    )
                    return redirect("judging:panel", round_id=round_.pk)
                status = 400
            elif action in ("assign", "rebalance"):
                step = services.auto_assign if action == "assign" else services.rebalance
                plan = step(round=round_, by=request.user, now=now)
                messages.success(
                    request,
                    ngettext("%(count)s assignment made.", "%(count)s assignments made.", len(plan.assignments))
                    % {"count": len(plan.assignments)},
                )
            elif action == "manual":
                assign_form = AssignForm(request.POST, judges=_panel_judges(round_))
                if assign_form.is_valid():
                    entry = Entry.objects.filter(
                        contest_id=round_.contest_id, reference__iexact=assign_form.cleaned_data["entry"].strip()
                    ).first()
                    if entry is None:
                        assign_form.add_error("entry", _("No entry of this contest has that reference."))
                        status = 400
                    else:
                        services.assign_entry(
                            round=round_,
                            entry=entry,
                            judge=assign_form.cleaned_data["judge"],
                            by=request.user,
                            now=now,
                        )
                        messages.success(
                            request,
                            _("%(reference)s is given to %(judge)s.")
                            % {"reference": entry.reference, "judge": assign_form.cleaned_data["judge"]},
                        )
                        return redirect("judging:panel", round_id=round_.pk)
                else:
                    status = 400
        except services.JudgingRefused as refusal:
            show(request, refusal)
            status = 400
    shortfalls = []
    if plan is not None and plan.shortfalls:
        entries = selectors.shortfall_entries(plan.shortfalls)
        shortfalls = [(entries.get(s.entry_id), selectors.explain_shortfall(s)) for s in plan.shortfalls]
    context = {
        "round": round_,
        "contest": round_.contest,
        "members": selectors.panel_of(round=round_),
        "add_form": add_form,
        "assign_form": assign_form,
        "invite_form": invite_form,
        "plan": plan,
        "shortfalls": shortfalls,
        "may_assign": round_.state in (RoundState.DRAFT, RoundState.OPEN),
    }
    return render(request, "judging/manage/panel.html", context, status=status)


@login_required
def entry_detail(request: HttpRequest, round_id: int, entry_id: int) -> HttpResponse:
    """Who has an entry in a round and how far they got; take it from a judge or give it to another."""
    round_ = organized_round(request, round_id)
    entry = get_object_or_404(
        Entry.objects.select_related("entrant", "theme", "category"), pk=entry_id, round_entries__round=round_
    )
    if request.method == "POST":
        assignment = get_object_or_404(Assignment, pk=request.POST.get("assignment"), round=round_, entry=entry)
        try:
            services.unassign(assignment=assignment, by=request.user, now=timezone.now())
        except services.JudgingRefused as refusal:
            show(request, refusal)
        else:
            messages.success(request, _("The entry is taken from %(judge)s.") % {"judge": assignment.judge})
        return redirect("judging:entry", round_id=round_.pk, entry_id=entry.pk)
    context = {
        "round": round_,
        "contest": round_.contest,
        "entry": entry,
        "assignments": selectors.entry_assignments(round=round_, entry=entry),
        "assign_form": AssignForm(initial={"entry": entry.reference}, judges=_panel_judges(round_)),
    }
    return render(request, "judging/manage/entry.html", context)


# --- Progress ------------------------------------------------------------------------------
@login_required
def progress(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = organized_round(request, round_id)
    if request.method == "POST":
        reminded = remind_judges_behind(round=round_, by=request.user, now=timezone.now())
        messages.success(
            request,
            ngettext(
                "A reminder was emailed to %(count)s judge.",
                "Reminders were emailed to %(count)s judges.",
                len(reminded),
            )
            % {"count": len(reminded)},
        )
        return redirect("judging:progress", round_id=round_.pk)
    members = selectors.panel_of(round=round_)
    entries = selectors.organizer_entries(round=round_, after=_after(request))
    context = {
        "round": round_,
        "contest": round_.contest,
        "members": members,
        "behind": [m for m in members if m.active and m.progress.total and m.progress.percent < 100],
        "entries": entries,
        "k": round_.judges_per_entry,
    }
    return render(request, "judging/manage/progress.html", context)


# --- Results -----------------------------------------------------------------------------
def _later_rounds(round_: Round):
    return Round.objects.filter(
        contest_id=round_.contest_id, position__gt=round_.position, state__in=[RoundState.DRAFT, RoundState.OPEN]
    ).order_by("position")


@login_required
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = organized_round(request, round_id)
    order = "raw" if request.GET.get("order") == "raw" else "normalised"
    later = _later_rounds(round_)
    form = AdvanceForm(request.POST or None, rounds=later)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = request.POST.getlist("entries")
            top = form.cleaned_data["top"]
            entries = None
            if chosen and not top:
                entries = list(Entry.objects.filter(pk__in=[pk for pk in chosen if pk.isdigit()]))
            try:
                created = services.advance_entries(
                    from_round=round_,
                    to_round=form.cleaned_data["to_round"],
                    by=request.user,
                    now=timezone.now(),
                    top=top,
                    entries=entries,
                )
            except services.JudgingRefused as refusal:
                show(request, refusal)
                status = 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s entry advanced to %(round)s.",
                        "%(count)s entries advanced to %(round)s.",
                        len(created),
                    )
                    % {"count": len(created), "round": form.cleaned_data["to_round"].name},
                )
                return redirect("judging:results", round_id=round_.pk)
        else:
            status = 400
    page = selectors.results_page(round=round_, order=order, after=request.GET.get("after") or None)
    context = {
        "round": round_,
        "contest": round_.contest,
        "page": page,
        "order": order,
        "form": form,
        "later": later,
    }
    return render(request, "judging/manage/results.html", context, status=status)
