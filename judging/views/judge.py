"""The judge's workspace: their rounds, the queue, the scoring page with the work, and the work's files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from contest.inputs import whole_number
from contest.models import Contest
from contest.rules import is_judge, is_organizer
from submissions.enums import CoCreatorStatus
from submissions.media.serve import serve_file

from .. import media, selectors, services
from ..forms import ConflictForm, JudgeDetailsForm, KnowsEntrantForm, ScoreForm, score_initial
from ..models import Assignment, ConflictOfInterest, JudgeProfile, Round
from .common import captions_response, show


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Every round the person judges, with their progress, and the contests they organize or judge."""
    user = request.user
    contests = list(Contest.objects.order_by("-opens_at"))  # a site holds a few contests a year
    judged = [contest for contest in contests if is_judge(user, contest)]
    organized = [contest for contest in contests if is_organizer(user, contest)]
    context = {"rounds": selectors.judge_rounds(judge=user), "judged": judged, "organized": organized}
    return render(request, "judging/home.html", context)


def _panel_round(request: HttpRequest, round_id: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("contest"), pk=round_id)
    if not request.user.has_perm("judging.judge_round", round_):
        raise Http404
    return round_


@login_required
def queue(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _panel_round(request, round_id)
    page = selectors.judge_queue(round=round_, judge=request.user, after=whole_number(request.GET, "after"))
    return render(request, "judging/queue.html", {"round": round_, "page": page, "progress": page.progress})


def _own_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    assignment = selectors.judge_assignment(judge=request.user, assignment_id=assignment_id)
    if assignment is None:
        raise Http404
    return assignment


def _position(assignment: Assignment) -> int:
    return Assignment.objects.filter(
        round_id=assignment.round_id, judge_id=assignment.judge_id, entry_id__lte=assignment.entry_id
    ).count()


def _score_page(request, assignment, form, *, status=200, stale=None, confirm_played=False,
                sheet=None) -> HttpResponse:
    sheet = sheet or selectors.score_sheet(assignment=assignment)
    entry = assignment.entry
    round_ = assignment.round
    context = {
        "assignment": assignment,
        "round": round_,
        "entry": entry,
        "sheet": sheet,
        "form": form,
        "stale": stale,
        "confirm_played": confirm_played,
        "work": media.work_of(assignment),
        "progress": selectors.judge_progress(round=round_, judge=request.user),
        "position": _position(assignment),
        "neighbours": selectors.queue_neighbours(assignment=assignment),
        "others": selectors.other_scores(assignment=assignment, viewer=request.user),
        "open_for_scores": request.user.has_perm("judging.score_assignment", assignment),
        "knows_form": KnowsEntrantForm(),
    }
    if not round_.blind:
        # Only an open round shows who made the work.
        context["entrant"] = entry.entrant
        context["team"] = entry.co_creators.filter(status=CoCreatorStatus.CONFIRMED).values_list("name", flat=True)
    return render(request, "judging/score.html", context, status=status)


@login_required
def score(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id)
    criteria = list(assignment.round.criteria.order_by("position", "pk"))
    if request.method != "POST":
        sheet = selectors.score_sheet(assignment=assignment, criteria=criteria)
        return _score_page(request, assignment, ScoreForm(initial=score_initial(sheet), criteria=criteria),
                           sheet=sheet)
    form = ScoreForm(request.POST, criteria=criteria)
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        messages.error(request, _("Some scores need correcting: see the messages beside them."))
        return _score_page(request, assignment, form, status=400)
    sheet = selectors.score_sheet(assignment=assignment)
    if submit and sheet.played_too_little and not form.cleaned_data["confirm_played"]:
        return _score_page(request, assignment, form, confirm_played=True)
    action = services.submit_score if submit else services.save_score
    try:
        action(
            assignment=assignment,
            values=form.values(),
            comment=form.cleaned_data["comment"],
            feedback=form.cleaned_data["feedback"],
            expected_version=form.cleaned_data["expected_version"],
            by=request.user,
            now=timezone.now(),
        )
    except services.StaleScore as stale:
        show(request, stale)
        # The judge's own text stays in the form; saving again is a deliberate choice over the version shown.
        data = request.POST.copy()
        data["expected_version"] = str(stale.current.version if stale.current else 0)
        return _score_page(request, assignment, ScoreForm(data, criteria=criteria), status=409, stale=stale.current)
    except services.JudgingRefused as refusal:
        show(request, refusal)
        return _score_page(request, assignment, form, status=400)
    if not submit:
        messages.success(request, _("Your draft is saved. It is not submitted yet."))
        return redirect("judging:score", assignment_id=assignment.pk)
    messages.success(request, _("Your score is submitted."))
    following = selectors.queue_neighbours(assignment=assignment).next_unscored_id
    if following:
        return redirect("judging:score", assignment_id=following)
    return redirect("judging:queue", round_id=assignment.round_id)


@login_required
@require_POST
def played(request: HttpRequest, assignment_id: int) -> JsonResponse:
    """How much of the video or audio the judge has played so far (sent by judging.js as it plays)."""
    assignment = _own_assignment(request, assignment_id)
    try:
        assignment = services.record_play_progress(
            assignment=assignment, fraction=request.POST.get("fraction", ""), by=request.user
        )
    except services.JudgingRefused as refusal:
        return JsonResponse({"error": " ".join(refusal.messages)}, status=400)
    return JsonResponse({"played": assignment.played_fraction})


@login_required
@require_POST
def knows_entrant(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id)
    form = KnowsEntrantForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.knows_entrant(assignment=assignment, by=request.user, now=timezone.now(), note=note)
    except services.JudgingRefused as refusal:
        show(request, refusal)
        return redirect("judging:score", assignment_id=assignment.pk)
    messages.success(request, _("Thank you. The entry was given to another judge, and the organizers can see why."))
    return redirect("judging:queue", round_id=assignment.round_id)


def _viewable_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    """The judge's own assignment, or any of a contest the person organizes; anyone else gets 404."""
    assignment = Assignment.objects.select_related("round", "entry").filter(pk=assignment_id).first()
    if assignment is None or not request.user.has_perm("judging.view_assignment", assignment):
        raise Http404
    return assignment


@login_required
def work_file(request: HttpRequest, assignment_id: int, name: str) -> HttpResponse:
    """A rendition of the work under its neutral name; never the original, never named after the entrant."""
    assignment = _viewable_assignment(request, assignment_id)
    rendition = media.rendition_for(assignment, name)
    if rendition is None:
        raise Http404
    # Named by its spec, so neither the storage path nor the upload's name reaches the browser.
    response = serve_file(request, rendition.file, content_type=rendition.content_type, download_name=name)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def captions(request: HttpRequest, assignment_id: int, language: str) -> HttpResponse:
    assignment = _viewable_assignment(request, assignment_id)
    return captions_response(media.caption_for(assignment, language))


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: sign in (or create an account), give country and organisation, and join."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "judging/invitation_invalid.html", status=404)
    contest = invitation.contest
    if not request.user.is_authenticated:
        return render(request, "judging/invitation.html", {"invitation": invitation, "contest": contest})
    form = JudgeDetailsForm(
        request.POST or None,
        initial={"country": str(request.user.country or ""), "organisation": request.user.organisation},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(
                invitation=invitation,
                user=request.user,
                country=form.cleaned_data["country"],
                organisation=form.cleaned_data["organisation"],
                now=timezone.now(),
            )
        except services.JudgingRefused as refusal:
            show(request, refusal)
        else:
            messages.success(
                request,
                _("Welcome to the jury. If you know anyone who may have entered, say so below."),
            )
            return redirect("judging:details", slug=contest.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "judging/invitation.html", {"invitation": invitation, "contest": contest, "form": form}, status=status
    )


@login_required
def details(request: HttpRequest, slug: str) -> HttpResponse:
    """A judge's country and organisation for a contest, and the people they declare they know."""
    contest = get_object_or_404(Contest, slug=slug)
    if not is_judge(request.user, contest):
        raise Http404
    profile = JudgeProfile.objects.filter(contest=contest, judge=request.user).first()
    details_form = JudgeDetailsForm(
        initial={
            "country": str(profile.country) if profile else "",
            "organisation": profile.organisation if profile else "",
        }
    )
    conflict_form = ConflictForm()
    status = 200
    now = timezone.now()
    if request.method == "POST" and request.POST.get("form") == "details":
        details_form = JudgeDetailsForm(request.POST)
        if details_form.is_valid():
            services.save_judge_profile(contest=contest, judge=request.user, now=now, **details_form.cleaned_data)
            messages.success(request, _("Your details are saved."))
            return redirect("judging:details", slug=slug)
        status = 400
    elif request.method == "POST" and request.POST.get("form") == "conflict":
        conflict_form = ConflictForm(request.POST)
        if conflict_form.is_valid():
            person = User.objects.filter(email__iexact=conflict_form.cleaned_data["email"]).first()
            if person is not None and person.pk != request.user.pk:
                services.declare_conflict(
                    contest=contest,
                    judge=request.user,
                    by=request.user,
                    now=now,
                    entrant=person,
                    note=conflict_form.cleaned_data["note"],
                )
            # The same answer whether or not the person has an account: a judge learns nothing about who entered.
            messages.success(
                request,
                _("Noted. If %(email)s has entered, you will not be given their work.")
                % {"email": conflict_form.cleaned_data["email"]},
            )
            return redirect("judging:details", slug=slug)
        status = 400
    declared = ConflictOfInterest.objects.filter(contest=contest, judge=request.user, entrant__isnull=False).count()
    context = {
        "contest": contest,
        "details_form": details_form,
        "conflict_form": conflict_form,
        "declared": declared,
    }
    return render(request, "judging/details.html", context, status=status)
