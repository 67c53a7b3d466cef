"""The entrant's entries: dashboard, form, submit, withdraw, receipt; and a co-creator's confirmation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from contest import selectors as contest_selectors
from contest.describe import category_rules
from contest.models import Contest, Registration

from . import attachments, rules, selectors, services
from .enums import EntryStatus
from .forms import CaptionsForm, CoCreatorForm, EntryForm, ReleaseFormForm
from .media.serve import serve_download, serve_file
from .models import Attachment, CoCreator, Entry, MediaAsset, Rendition, of_current_file


def _show(request: HttpRequest, refusal: services.EntryRefused) -> None:
    for message in refusal.messages:
        messages.error(request, message)


def _entry(request: HttpRequest, reference: str, permission: str = "submissions.view_entry") -> Entry:
    """The entry, if the person has the permission; for everyone else it is not found, not forbidden."""
    entry = get_object_or_404(Entry.objects.select_related("contest", "theme", "category"), reference=reference)
    if not request.user.has_perm(permission, entry):
        raise Http404
    return entry


def _own_entry(request: HttpRequest, reference: str) -> Entry:
    """The signed-in entrant's entry; anybody else's is not found."""
    return _entry(request, reference)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    entries = list(
        Entry.objects.filter(entrant=request.user)
        .select_related("contest", "theme", "category")
        .prefetch_related("declarations", "co_creators", selectors.current_assets())
        .order_by("contest", "-created_at")
    )
    registrations = list(Registration.objects.filter(user=request.user).select_related("contest"))
    by_contest = {registration.contest_id: registration for registration in registrations}
    rows = [
        (
            entry,
            services.still_to_do(entry, registration=by_contest.get(entry.contest_id))
            if entry.status == EntryStatus.DRAFT
            else [],
        )
        for entry in entries
    ]
    context = {"rows": rows, "registrations": registrations, "now": timezone.now()}
    return render(request, "submissions/dashboard.html", context)


@login_required
def entry_create(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        contest = contest_selectors.public_contests().get(slug=slug)
    except Contest.DoesNotExist:
        raise Http404 from None
    allowed = rules.may_create_entry(request.user, contest, now=timezone.now())
    if not allowed:
        # Said before any typing: a form that cannot succeed is not shown.
        messages.error(request, allowed.reason)
        return render(request, "submissions/form.html", {"contest": contest, "refused": True}, status=403)
    categories = list(contest.categories.all())
    chosen_id = request.POST.get("category") or request.GET.get("category") or ""
    chosen = next((c for c in categories if str(c.pk) == chosen_id), categories[0] if len(categories) == 1 else None)
    room = {category.pk: rules.may_use_category(request.user, category) for category in categories}
    if chosen is None or not room[chosen.pk]:
        # First the kind of work: the form then asks only what that kind needs, and a full category says so now.
        if chosen is not None:
            messages.error(request, room[chosen.pk].reason)
        context = {
            "contest": contest,
            "choices": [(category, room[category.pk], category_rules(category)) for category in categories],
        }
        return render(request, "submissions/form.html", context, status=400 if chosen_id else 200)
    form = EntryForm(request.POST or None, contest=contest, category=chosen)
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
                _show(request, refusal)
                status = 400
            else:
                messages.success(request, _("Your draft is saved. It is not submitted yet."))
                return redirect("submissions:detail", reference=entry.reference)
        else:
            status = 400
    context = {"form": form, "contest": contest, "category": chosen, "other_categories": len(categories) > 1}
    return render(request, "submissions/form.html", context, status=status)


@login_required
def entry_edit(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _own_entry(request, reference)
    if not (allowed := rules.may_change_entry(request.user, entry, now=timezone.now())):
        messages.info(request, allowed.reason)
        return redirect("submissions:detail", reference=reference)
    form = EntryForm(request.POST or None, instance=entry, contest=entry.contest)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}
            try:
                services.update_entry(
                    entry=entry,
                    data=data,
                    declarations=set(form.cleaned_data["declarations"]),
                    now=timezone.now(),
                    by=request.user,
                )
            except services.EntryRefused as refusal:
                _show(request, refusal)
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
    return render(request, "submissions/detail.html", _detail_context(request, entry, CoCreatorForm()))


def _detail_context(
    request: HttpRequest,
    entry: Entry,
    co_creator_form: CoCreatorForm,
    release_form_form: ReleaseFormForm | None = None,
    captions_form: CaptionsForm | None = None,
) -> dict:
    now = timezone.now()
    current_file = selectors.current_file(entry)
    return {
        "attachments": attachments.attachments_of(entry),
        "release_form_form": release_form_form or ReleaseFormForm(),
        "captions_form": captions_form or CaptionsForm(),
        "takes_captions": entry.category.media_kind == "video",
        "entry": entry,
        "todo": services.still_to_do(entry) if entry.status == EntryStatus.DRAFT else [],
        "co_creators": entry.co_creators.all(),
        "co_creator_form": co_creator_form,
        "may_change": rules.may_change_entry(request.user, entry, now=now),
        "may_upload": rules.may_upload(request.user, entry, now=now),
        "may_submit": rules.may_submit_entry(request.user, entry, now=now),
        "may_unsubmit": rules.may_unsubmit_entry(request.user, entry, now=now),
        "may_withdraw": rules.may_withdraw_entry(request.user, entry, now=now),
        "current_file": current_file,
        "processing": selectors.processing_status(entry, current_file),
        "accept": ",".join(f".{f}" for f in entry.category.allowed_formats),
        "chunk_bytes": settings.UPLOAD_CHUNK_BYTES,
    }


def _act(request: HttpRequest, reference: str, action, success: str, then: str = "submissions:detail"):
    entry = _own_entry(request, reference)
    try:
        action(entry=entry, now=timezone.now(), by=request.user)
    except services.EntryRefused as refusal:
        _show(request, refusal)
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
            services.invite_co_creator(entry=entry, now=timezone.now(), by=request.user, **form.cleaned_data)
        except services.EntryRefused as refusal:
            _show(request, refusal)
        else:
            messages.success(
                request, _("We have emailed %(name)s to confirm their part.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("submissions:detail", reference=reference)
    return render(request, "submissions/detail.html", _detail_context(request, entry, form), status=400)


@login_required
@require_POST
def co_creator_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    entry = _own_entry(request, reference)
    co_creator = get_object_or_404(CoCreator, pk=pk, entry=entry)
    try:
        services.remove_co_creator(co_creator=co_creator, now=timezone.now(), by=request.user)
    except services.EntryRefused as refusal:
        _show(request, refusal)
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


@login_required
def asset_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """An original file, for its owner and the contest's organizers: never inline, never sniffed, never able to
    run script."""
    entry = _entry(request, reference, "submissions.view_entry_files")
    asset = get_object_or_404(MediaAsset.objects.current().exclude(file=""), pk=pk, entry=entry)
    return serve_download(request, asset.file, download_name=f"{entry.reference}.{asset.file_format}")


@login_required
def entry_processing(request: HttpRequest, reference: str) -> JsonResponse:
    """The entry's file processing state, for its owner's page to poll."""
    entry = _own_entry(request, reference)
    response = JsonResponse(selectors.processing_status(entry))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def rendition(request: HttpRequest, reference: str, pk: int, spec: str) -> HttpResponse:
    """A rendition of the current file (web image, video, poster…), shown inline to its owner and organizers."""
    entry = _entry(request, reference, "submissions.view_entry_files")
    made = get_object_or_404(
        Rendition.objects.select_related("asset"),
        of_current_file(),
        asset__pk=pk,
        asset__entry=entry,
        spec=spec,
    )
    return serve_file(request, made.file, content_type=made.content_type, download_name=f"{entry.reference}-{spec}")


# --- Release forms and captions -------------------------------------------------
def _attachment_refused(request, entry: Entry, status: int, release_form_form=None, captions_form=None):
    context = _detail_context(request, entry, CoCreatorForm(), release_form_form, captions_form)
    return render(request, "submissions/detail.html", context, status=status)


@csrf_exempt  # checked below, once the size is known: the CSRF check would read the whole body first
@login_required
@require_POST
def attachment_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Add a release form or a caption file to a draft, from a plain form."""
    entry = _own_entry(request, reference)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > attachments.largest_body():
        messages.error(request, attachments.too_large_message())
        response = _attachment_refused(request, entry, 413)
        response["Connection"] = "close"  # the unread body must not be taken for the next request
        return response
    if refusal := CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}):
        return refusal
    form_class = CaptionsForm if kind == "captions" else ReleaseFormForm
    form = form_class(request.POST, request.FILES)
    forms_kw = {"captions_form" if kind == "captions" else "release_form_form": form}
    if not form.is_valid():
        return _attachment_refused(request, entry, 400, **forms_kw)
    try:
        if kind == "captions":
            attachments.add_captions(
                entry=entry,
                by=request.user,
                upload=form.cleaned_data["file"],
                language=form.cleaned_data["language"],
                now=timezone.now(),
            )
        else:
            attachments.add_release_form(
                entry=entry, by=request.user, upload=form.cleaned_data["file"], now=timezone.now()
            )
    except services.EntryRefused as refusal:
        _show(request, refusal)
        return _attachment_refused(request, entry, 400, **forms_kw)
    messages.success(request, _("The file is added to your entry."))
    return redirect("submissions:detail", reference=reference)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    entry = _own_entry(request, reference)
    attachment = get_object_or_404(Attachment.objects.select_related("entry__contest"), pk=pk, entry=entry)
    try:
        attachments.remove_attachment(attachment=attachment, by=request.user, now=timezone.now())
    except services.EntryRefused as refusal:
        _show(request, refusal)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("submissions:detail", reference=reference)


@login_required
def attachment_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """A release form or caption file, for the entrant and the contest's organizers only; anyone else: 404."""
    entry = _entry(request, reference, "submissions.view_entry_files")
    attachment = get_object_or_404(Attachment, pk=pk, entry=entry)
    return serve_download(request, attachment.file, download_name=attachments.download_name(attachment))
