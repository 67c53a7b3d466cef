"""The organizer's pages for a round's jury: the panel and assignment, an entry's judges, progress, results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from contest.enums import Role
from contest.inputs import object_id, whole_number
from submissions.models import Entry

from .. import media, selectors, services
from .. import progress as progress_of_entries
from ..enums import RoundState
from ..forms import (
    AddJudgeForm,
    AdvanceForm,
    AssignForm,
    InviteForm,
)
from ..models import Assignment, Round
from ..services.reminders import remind_judges_behind
from .common import organized_round, show


def _after(request: HttpRequest) -> int | None:
    return whole_number(request.GET, "after")


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
                judge = get_object_or_404(_panel_judges(round_), pk=object_id(request.POST.get("judge")))
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
                if plan.assignments:
                    messages.success(
                        request,
                        ngettext("%(count)s assignment made.", "%(count)s assignments made.", len(plan.assignments))
                        % {"count": len(plan.assignments)},
                    )
                elif not plan.shortfalls:
                    messages.info(request, _("Nothing new to assign: the work was already shared out."))
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
        "may_give_work": round_.state == RoundState.OPEN,
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
        assignment = get_object_or_404(
            Assignment, pk=object_id(request.POST.get("assignment")), round=round_, entry=entry
        )
        try:
            services.unassign(assignment=assignment, by=request.user, now=timezone.now())
        except services.JudgingRefused as refusal:
            show(request, refusal)
        else:
            messages.success(request, _("The entry is taken from %(judge)s.") % {"judge": assignment.judge})
        return redirect("judging:entry", round_id=round_.pk, entry_id=entry.pk)
    entry = selectors.preview_entry(entry_id=entry.pk)
    context = {
        "round": round_,
        "contest": round_.contest,
        "entry": entry,
        "work": media.organizer_works([entry])[entry.pk],
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
        if reminded:
            messages.success(
                request,
                ngettext(
                    "A reminder was emailed to %(count)s judge.",
                    "Reminders were emailed to %(count)s judges.",
                    len(reminded),
                )
                % {"count": len(reminded)},
            )
        else:
            messages.info(request, _("Every judge has submitted all their scores: no reminder was needed."))
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
        "coverage": progress_of_entries.coverage(round=round_),
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
                entries = list(Entry.objects.filter(pk__in=[object_id(pk) for pk in chosen]))
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
