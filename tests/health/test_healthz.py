import json
import subprocess
import sys

import pytest
from django.test import override_settings

from tests.conftest import ROOT, subprocess_env


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_healthz_is_200_when_every_service_answers(client, celery_worker):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage", "worker"}


def test_healthz_names_the_broker_when_it_cannot_be_reached(tmp_path):
    """A fresh server process whose broker is down answers 503 and says which service failed."""
    code = (
        "import django, json; django.setup(); from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(json.dumps({**r.json(), 'http_status': r.status_code}))"
    )
    # The discard port: nothing listens there.
    env = subprocess_env(
        REDIS_URL="redis://127.0.0.1:9/0",
        VOICES_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert body["http_status"] == 503
    assert "broker" in body["down"] and "worker" in body["down"]
    assert "database" not in body["down"]


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
