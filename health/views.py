"""/healthz: 200 when every service answers, 503 naming the ones that do not."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .checks import run_checks


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    down = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "down" if down else "ok", "down": down, "checks": checks}
    return JsonResponse(body, status=503 if down else 200)
