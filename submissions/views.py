"""The entrant's entries: dashboard, form, submit, withdraw, receipt; and a co-creator's confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest import selectors as contest_selectors
from contest.models import Contest, Registration

from . import services
from .enums import EntryStatus
from .forms import CoCreatorForm, EntryForm
from .models import CoCreator, Entry


def _own_entry(request: HttpRequest, reference: str) -> Entry:
    """The signed-in entrant's entry; anybody else's is not found."""
    return get_object_or_404(
        Entry.objects.select_related("contest", "theme", "category"), reference=reference, entrant=request.user
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    entries = list(
        Entry.objects.filter(entrant=request.user)
        .select_related("contest", "theme", "category")
        .prefetch_related("declarations", "co_creators")
        .order_by("contest", "-created_at")
    )
    rows = [(entry, services.still_to_do(entry) if entry.status == EntryStatus.DRAFT else []) for entry in entries]
    registrations = Registration.objects.filter(user=request.user).select_related("contest")
    context = {"rows": rows, "registrations": registrations, "now": timezone.now()}
    return render(request, "submissions/dashboard.html", context)


@login_required
def entry_create(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        contest = contest_selectors.public_contests().get(slug=slug)
    except Contest.DoesNotExist:
        raise Http404 from None
    form = EntryForm(request.POST or None, contest=contest)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = services.create_entry(
                    contest=contest,
                    entrant=request.user,
                    data=form.cleaned_data,
                    declarations=set(form.cleaned_data["declarations"]),
                    now=timezone.now(),
                )
            except services.EntryRefused as refusal:
                for message in refusal.messages:
                    messages.error(request, message)
                status = 400
            else:
                messages.success(request, _("Your draft is saved. It is not submitted yet."))
                return redirect("submissions:detail", reference=entry.reference)
        else:
            status = 400
    return render(request, "submissions/form.html", {"form": form, "contest": contest}, status=status)


@login_required
def entry_edit(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _own_entry(request, reference)
    if entry.status != EntryStatus.DRAFT:
        messages.info(request, _("Only a draft can be changed. Take the entry back to a draft first."))
        return redirect("submissions:detail", reference=reference)
    form = EntryForm(request.POST or None, instance=entry, contest=entry.contest)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
            try:
                services.update_entry(
                    entry=entry, data=data, declarations=set(form.cleaned_data["declarations"]), now=timezone.now()
                )
            except services.EntryRefused as refusal:
                for message in refusal.messages:
                    messages.error(request, message)
                status = 400
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("submissions:detail", reference=reference)
        else:
            status = 400
    return render(
        request, "submissions/form.html", {"form": form, "contest": entry.contest, "entry": entry}, status=status
    )


@login_required
def entry_detail(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _own_entry(request, reference)
    context = {
        "entry": entry,
        "todo": services.still_to_do(entry) if entry.status == EntryStatus.DRAFT else [],
        "co_creators": entry.co_creators.all(),
        "co_creator_form": CoCreatorForm(),
        "before_deadline": timezone.now() < entry.contest.closes_at,
    }
    return render(request, "submissions/detail.html", context)


def _act(request: HttpRequest, reference: str, action, success: str, then: str = "submissions:detail"):
    entry = _own_entry(request, reference)
    try:
        action(entry=entry, now=timezone.now())
    except services.EntryRefused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        return redirect("submissions:detail", reference=reference)
    messages.success(request, success)
    return redirect(then, reference=reference)


@login_required
@require_POST
def entry_submit(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, services.submit_entry, _("Your entry is submitted."), "submissions:receipt")


@login_required
@require_POST
def entry_unsubmit(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        services.unsubmit_entry,
        _("Your entry is a draft again: change it, then submit it again before the deadline."),
    )


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, services.withdraw_entry, _("Your entry is withdrawn."))


@login_required
def entry_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _own_entry(request, reference)
    if entry.status != EntryStatus.SUBMITTED:
        return redirect("submissions:detail", reference=reference)
    return render(request, "submissions/receipt.html", {"entry": entry})


@login_required
@require_POST
def co_creator_add(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _own_entry(request, reference)
    form = CoCreatorForm(request.POST)
    if form.is_valid():
        try:
            services.invite_co_creator(entry=entry, now=timezone.now(), **form.cleaned_data)
        except services.EntryRefused as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("We have emailed %(name)s to confirm their part.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("submissions:detail", reference=reference)
    context = {
        "entry": entry,
        "todo": services.still_to_do(entry),
        "co_creators": entry.co_creators.all(),
        "co_creator_form": form,
        "before_deadline": timezone.now() < entry.contest.closes_at,
    }
    return render(request, "submissions/detail.html", context, status=400)


@login_required
@require_POST
def co_creator_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    entry = _own_entry(request, reference)
    co_creator = get_object_or_404(CoCreator, pk=pk, entry=entry)
    try:
        services.remove_co_creator(co_creator=co_creator)
    except services.EntryRefused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    return redirect("submissions:detail", reference=reference)


def co_creator_answer(request: HttpRequest, token: str) -> HttpResponse:
    co_creator = services.co_creator_for_token(token)
    if co_creator is None:
        return render(request, "submissions/co_creator_link_invalid.html", status=404)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("confirm", "decline"):
            messages.error(request, _("Choose one of the two buttons."))
            return render(request, "submissions/co_creator.html", {"co_creator": co_creator}, status=400)
        co_creator = services.answer_co_creator(co_creator=co_creator, confirms=answer == "confirm", now=timezone.now())
    return render(request, "submissions/co_creator.html", {"co_creator": co_creator})
