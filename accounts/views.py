"""The person's own pages: profile, and their data (download or delete)."""

import tempfile

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import DeleteAccountForm, ProfileForm


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return None


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if services.birth_date_locked(request.user):
        form.lock_birth_date()
    if request.method == "POST":
        if form.is_valid():
            services.update_profile(user=request.user, data=form.cleaned_data, now=timezone.now())
            messages.success(request, _("Your profile is saved."))
            return redirect(_safe_next(request) or "contest:home")
        return render(request, "accounts/profile.html", {"form": form, "next": _safe_next(request)}, status=400)
    return render(request, "accounts/profile.html", {"form": form, "next": _safe_next(request)})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html", {"form": DeleteAccountForm(user=request.user)})


@login_required
@require_POST
def download_my_data(request: HttpRequest) -> HttpResponse:
    # Spooled to disk past 32 MB: a person's videos must not sit in the web server's memory.
    archive = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    services.export_personal_data(user=request.user, into=archive)
    archive.seek(0)
    response = FileResponse(archive, as_attachment=True, filename="voices-my-data.zip", content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete_my_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/my_data.html", {"form": form}, status=400)
    user = request.user
    logout(request)
    services.delete_account(user=user, now=timezone.now())
    messages.success(request, _("Your account and everything it held have been deleted."))
    return redirect("contest:home")
