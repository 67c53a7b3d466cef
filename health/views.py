"""/healthz: this node's own needs, in milliseconds; /healthz/deep: everything, workers and backlog included.

Each answers 200 when all its checks pass and 503 naming the ones that do not.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .checks import DEEP, QUICK, run_checks


def _answer(checks: dict) -> JsonResponse:
    results = run_checks(checks)
    down = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "down" if down else "ok", "down": down, "checks": results}
    return JsonResponse(body, status=503 if down else 200)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return _answer(QUICK)


@never_cache
@require_safe
def healthz_deep(request: HttpRequest) -> JsonResponse:
    return _answer(DEEP)
