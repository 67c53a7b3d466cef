"""/healthz answers from this node's own needs; /healthz/deep adds broker, cache, workers and backlog."""

import json
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from submissions.enums import JobKind, JobStatus
from submissions.models import ProcessingJob
from tests.conftest import ROOT, subprocess_env


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_both_checks_are_200_when_every_service_answers(client, celery_worker):
    quick = client.get("/healthz")
    assert quick.status_code == 200, quick.json()
    assert set(quick.json()["checks"]) == {"database", "storage", "uploads"}
    uploads = quick.json()["checks"]["uploads"]
    assert 0 < uploads["free_bytes"] <= uploads["total_bytes"]

    deep = client.get("/healthz/deep")
    body = deep.json()
    assert deep.status_code == 200, body
    assert set(body["checks"]) == {"database", "storage", "uploads", "broker", "cache", "worker", "jobs"}
    assert body["checks"]["worker"]["workers"] >= 1
    assert body["checks"]["jobs"]["unfinished_for_a_day"] == 0


def _fresh_process_healthz(tmp_path, path: str) -> dict:
    """A fresh server process whose Redis is down (nothing listens on the discard port), on its own SQLite file."""
    code = (
        "import django, json; django.setup(); from django.core.management import call_command;"
        "call_command('migrate', verbosity=0); from django.test import Client;"
        f"r = Client(HTTP_HOST='localhost').get('{path}');"
        "print(json.dumps({**r.json(), 'http_status': r.status_code}))"
    )
    env = subprocess_env(
        REDIS_URL="redis://127.0.0.1:9/0",
        VOICES_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_node_whose_redis_is_down_still_serves_and_the_deep_check_names_broker_cache_and_workers(tmp_path):
    quick = _fresh_process_healthz(tmp_path, "/healthz")
    assert quick["http_status"] == 200, quick
    deep = _fresh_process_healthz(tmp_path, "/healthz/deep")
    assert deep["http_status"] == 503
    assert {"broker", "cache", "worker"} <= set(deep["down"])
    assert "database" not in deep["down"] and "uploads" not in deep["down"]


@pytest.mark.django_db
def test_healthz_names_the_storage_when_it_cannot_write(client, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage expects a folder")
    storages = {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": blocked}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "storage" in response.json()["down"]


@pytest.mark.django_db
def test_healthz_reports_the_upload_folders_free_space_and_fails_below_the_minimum(client, settings, tmp_path):
    settings.UPLOAD_TEMP_DIR = tmp_path / "uploads"
    free = shutil.disk_usage(tmp_path).free
    settings.UPLOAD_MIN_FREE_BYTES = free * 2
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["uploads"]
    assert body["checks"]["uploads"]["needed_bytes"] == free * 2
    assert 0 < body["checks"]["uploads"]["free_bytes"] <= body["checks"]["uploads"]["total_bytes"]

    settings.UPLOAD_MIN_FREE_BYTES = 1
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_deep_check_names_jobs_a_day_old_that_have_not_ended(client, celery_worker):
    from tests.submissions.processing_helpers import demo_contest, draft, stored

    asset = stored(draft(demo_contest()), b"photo", "jpg")
    job = ProcessingJob.objects.create(asset=asset, kind=JobKind.PROBE, status=JobStatus.QUEUED)
    ProcessingJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    body = client.get("/healthz/deep").json()
    assert body["down"] == ["jobs"]
    assert body["checks"]["jobs"]["unfinished_for_a_day"] == 1
