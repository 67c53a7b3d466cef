"""URL wiring: language-prefixed pages, plus the language-free health check."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from health.views import healthz, healthz_deep

# Every uncaught exception: 503 when a service is away, 500 otherwise, each saying whether what was sent was saved.
handler500 = "health.outage.server_error"
# Refusals: pages that never read the request's body, so a malformed one cannot turn them into a 500.
handler400 = "health.errors.bad_request"
handler403 = "health.errors.permission_denied"
handler404 = "health.errors.page_not_found"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/deep", healthz_deep, name="healthz_deep"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("submissions.urls")),
    path("", include("judging.urls")),
    path("", include("results.urls")),
    path("", include("voting.urls")),
    path("", include("contest.urls")),
)

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Embedded mode: published renditions are served from var/public.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.PUBLIC_MEDIA_ROOT}),
    ]
