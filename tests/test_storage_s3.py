"""With AWS_STORAGE_BUCKET_NAME set, files go to S3: checked against moto's S3 server."""

import json
import subprocess
import sys

import requests
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings

from tests.conftest import ROOT, subprocess_env


def s3_env(url: str) -> dict[str, str]:
    return {
        "AWS_STORAGE_BUCKET_NAME": "voices-test",
        "AWS_S3_ENDPOINT_URL": url,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }


def test_settings_choose_private_and_public_s3_storages(s3_server):
    """Read the settings in a fresh process, as `make run` would with these variables."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({k: s.STORAGES[k] for k in ('private', 'public', 'default')}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=subprocess_env(**s3_env(s3_server)),
    )
    chosen = json.loads(result.stdout)
    assert chosen["private"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["private"]["OPTIONS"]["querystring_auth"] is True
    assert chosen["private"]["OPTIONS"]["querystring_expire"] <= 300
    assert chosen["public"]["OPTIONS"]["querystring_auth"] is False
    assert chosen["default"] == chosen["private"]


def test_private_files_on_s3_get_short_signed_links_and_never_overwrite(s3_server):
    private = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "location": "private",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "bucket_name": "voices-test",
            "endpoint_url": s3_server,
            "access_key": "test",
            "secret_key": "test",
            "region_name": "us-east-1",
            "file_overwrite": False,
        },
    }
    with override_settings(
        STORAGES={
            "private": private,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        storage = storages["private"]
        first = storage.save("entries/film.mp4", ContentFile(b"first"))
        second = storage.save("entries/film.mp4", ContentFile(b"second"))
        assert first != second
        assert storage.open(first).read() == b"first"
        url = storage.url(first)
        assert "Signature=" in url or "X-Amz-Signature=" in url
        assert "Expires=" in url or "X-Amz-Expires=300" in url
        assert requests.get(url, timeout=5).content == b"first"
        unsigned = url.split("?")[0]
        assert requests.get(unsigned, timeout=5).status_code == 403
