"""Security headers on every page, and production settings that refuse to run unsafely."""

import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.factories import ContestFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy_and_safe_headers(client):
    ContestFactory(slug="ccm")
    response = client.get("/en/contests/ccm/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_signing_out_needs_a_post_with_a_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/en/accounts/logout/")
    assert response.status_code == 403


def _production(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "VOICES_VAR_DIR": str(ROOT / "var" / "test-production"),
            **env,
        },
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _production({"ALLOWED_HOSTS": "voices.example.org"}, "check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "voices.example.org"}
    result = _production(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
