"""Is each service Voices depends on answering? One function per service, in two sets.

The quick set is what this web node needs to serve pages and take uploads
(database, private storage, upload folder): it answers in milliseconds, for a
load balancer to poll. The deep set adds what is shared by all nodes and
slower to ask (broker, cache, workers, the jobs' backlog), for monitoring.
"""

import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from config.celery_app import app as celery_app
from submissions import shared_uploads
from submissions.media.sweeper import unfinished_for_a_day
from submissions.selectors import queue_figures

logger = logging.getLogger(__name__)


class CheckFailed(Exception):
    """A service answered, but not well enough; `details` still go on the page."""

    def __init__(self, message: str, details: dict) -> None:
        super().__init__(message)
        self.details = details


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_storage() -> dict:
    """Write, read back and delete a small object in the private storage."""
    storage = storages["private"]
    name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("storage returned other bytes than were written")
    finally:
        storage.delete(name)
    return {}


def check_uploads() -> dict:
    """The folder of unfinished uploads takes a write and has room for more. With S3, unfinished uploads live in the
    private storage, which `check_storage` tries: this node's disk holds none."""
    if shared_uploads.enabled():
        return {"kept_in": "private storage"}
    folder = Path(settings.UPLOAD_TEMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-") as probe:
        probe.write(b"ok")
        probe.flush()
    usage = shutil.disk_usage(folder)
    details = {"free_bytes": usage.free, "total_bytes": usage.total, "needed_bytes": settings.UPLOAD_MIN_FREE_BYTES}
    if usage.free < settings.UPLOAD_MIN_FREE_BYTES:
        raise CheckFailed(f"{usage.free} bytes free in the upload folder", details)
    return details


def check_broker() -> dict:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {}


def check_cache() -> dict:
    """The cache fails soft (a miss while Redis is away), so a value written must come back to count as up."""
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise OSError("the cache did not keep a value")
    cache.delete(key)
    return {}


def check_worker() -> dict:
    replies = celery_app.control.ping(timeout=1.5)
    if not replies:
        raise RuntimeError("no Celery worker answered a ping within 1.5 s")
    return {"workers": len(replies)}


def check_jobs() -> dict:
    """The processing backlog; a job a day old that has not ended means something is stuck."""
    now = timezone.now()
    details = {
        figures.queue: {"waiting": figures.waiting, "running": figures.running} for figures in queue_figures(now=now)
    }
    stuck = unfinished_for_a_day(now=now).count()
    details["unfinished_for_a_day"] = stuck
    if stuck:
        raise CheckFailed(f"{stuck} jobs a day old have not ended", details)
    return details


QUICK: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "storage": check_storage,
    "uploads": check_uploads,
}
DEEP: dict[str, Callable[[], dict]] = {
    **QUICK,
    "broker": check_broker,
    "cache": check_cache,
    "worker": check_worker,
    "jobs": check_jobs,
}


def run_checks(checks: dict[str, Callable[[], dict]] = QUICK) -> dict[str, dict]:
    results = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            details = check()
        except Exception as error:  # noqa: BLE001 — any failure means "down", and we say which
            # The page is public: it names the kind of failure and the figures; the log has the details.
            logger.warning("health check %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = {"ok": False, "error": type(error).__name__, **getattr(error, "details", {})}
        else:
            results[name] = {"ok": True, **details}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results
