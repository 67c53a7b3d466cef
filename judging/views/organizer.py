"""The organizer's pages for a contest: judges' invitations, screening, rounds and criteria, the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from contest import audit
from contest.enums import Role
from contest.inputs import whole_number
from submissions.models import Entry

from .. import media, selectors, services
from ..forms import (
    AiFlagForm,
    CriterionForm,
    InviteForm,
    ReopenForm,
    RoundForm,
    ScreeningForm,
)
from ..models import Criterion, JudgeInvitation, Round
from .common import organized_contest, organized_round, show


def _after(request: HttpRequest) -> int | None:
    return whole_number(request.GET, "after")


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
    works = media.organizer_works([row.entry for row in page.items])
    rows = [(row, getattr(row.entry, "screening", None), works[row.entry.pk]) for row in page.items]
    # Each row has the decision form's fields, named with the entry's prefix as ScreeningForm reads them back.
    # The template writes them from the form's own fields and choices, translated once for the page: ten bound
    # forms rendered through their widgets took about a fifth of the page's time (B7).
    fields = ScreeningForm.base_fields
    context = {
        "contest": contest, "page": page, "rows": rows, "undecided": undecided, "unreleased": page.unreleased,
        "fields": fields,
        "outcomes": [(value, str(label)) for value, label in fields["outcome"].choices],
        "reasons": [(value, str(label)) for value, label in fields["reason"].choices],
    }
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
    return _back_to_screening(request, slug, entry)


def _back_to_screening(request: HttpRequest, slug: str, entry: Entry) -> HttpResponse:
    """Back to the list where the organizer was: from the entry just decided (or the next one not decided, in
    the list of those not decided yet)."""
    query = {"after": entry.pk - 1, **({"undecided": "1"} if request.POST.get("undecided") == "1" else {})}
    return redirect(f"{reverse('judging:screening', kwargs={'slug': slug})}?{urlencode(query)}#entry-{entry.pk}")


@login_required
@require_POST
def screening_ai(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    """Flag (or unflag) an entry as looking made with AI tools its entrant did not declare."""
    contest = organized_contest(request, slug)
    entry = get_object_or_404(Entry, pk=entry_id, contest=contest)
    form = AiFlagForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{entry.reference}: {error}")
        return _back_to_screening(request, slug, entry)
    suspected = form.cleaned_data["suspected"]
    services.flag_ai_suspected(
        entry=entry, suspected=suspected, note=form.cleaned_data["note"], by=request.user, now=timezone.now()
    )
    messages.success(
        request,
        (
            _("%(reference)s: flagged as suspected of undisclosed AI use.")
            if suspected
            else _("%(reference)s: the AI flag is removed.")
        )
        % {"reference": entry.reference},
    )
    return _back_to_screening(request, slug, entry)


@login_required
@require_POST
def screening_release(request: HttpRequest, slug: str) -> HttpResponse:
    contest = organized_contest(request, slug)
    count = services.release_screening(contest=contest, by=request.user, now=timezone.now())
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s entrant is being told the outcome.", "%(count)s entrants are being told the outcome.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Every decision made so far has already been emailed to its entrant."))
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
