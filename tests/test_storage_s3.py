"""With AWS_STORAGE_BUCKET_NAME set, files go to S3: checked against moto's S3 server."""

import json
import secrets
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings

from tests.conftest import ROOT, free_port, subprocess_env


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
    assert chosen["private"]["BACKEND"] == "config.storages.S3Storage"
    assert chosen["private"]["OPTIONS"]["querystring_auth"] is True
    assert chosen["private"]["OPTIONS"]["querystring_expire"] <= 300
    assert chosen["public"]["OPTIONS"]["querystring_auth"] is False
    assert chosen["default"] == chosen["private"]


def test_private_files_on_s3_get_short_signed_links_and_never_overwrite(s3_server):
    private = {
        "BACKEND": "config.storages.S3Storage",
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


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


def test_prepare_storage_makes_the_bucket_opens_public_only_and_can_run_twice(s3_server):
    import boto3

    bucket = f"voices-fresh-{secrets.token_hex(4)}"  # a bucket that does not exist yet, as on a new deployment
    env = subprocess_env(**{**s3_env(s3_server), "AWS_STORAGE_BUCKET_NAME": bucket})
    client = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test",
                          region_name="us-east-1")

    first = run(["manage.py", "prepare_storage"], env)
    assert first.returncode == 0, first.stderr
    assert f"Made the bucket “{bucket}”." in first.stdout
    assert "Storage is ready" in first.stdout
    client.put_object(Bucket=bucket, Key="public/gallery/1/display.jpg", Body=b"published")
    client.put_object(Bucket=bucket, Key="private/originals/x/original", Body=b"private")
    assert requests.get(f"{s3_server}/{bucket}/public/gallery/1/display.jpg", timeout=5).content == b"published"
    assert requests.get(f"{s3_server}/{bucket}/private/originals/x/original", timeout=5).status_code == 403

    second = run(["manage.py", "prepare_storage"], env)
    assert second.returncode == 0, second.stderr
    assert f"The bucket “{bucket}” is there." in second.stdout
    assert "Anyone may already read published files" in second.stdout
    assert requests.get(f"{s3_server}/{bucket}/public/gallery/1/display.jpg", timeout=5).status_code == 200
    assert requests.get(f"{s3_server}/{bucket}/private/originals/x/original", timeout=5).status_code == 403
    policy = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
    assert [s["Resource"] for s in policy["Statement"]] == [f"arn:aws:s3:::{bucket}/public/*"]


def test_with_a_cdn_private_links_stay_signed_on_s3_and_published_files_use_the_cdn(s3_server):
    """AWS_S3_CUSTOM_DOMAIN on: read the settings and make both links in a fresh process, as a web node would."""
    code = (
        "import django, json; django.setup(); from django.core.files.storage import storages;"
        "print(json.dumps([storages['private'].url('originals/abc/original', expire=300),"
        " storages['public'].url('ccm/1234/7/display.jpg')]))"
    )
    env = subprocess_env(**s3_env(s3_server), AWS_S3_CUSTOM_DOMAIN="cdn.example.org")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    private, public = json.loads(result.stdout)
    parts = urlsplit(private)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}" == s3_server  # the S3 endpoint, never the CDN
    assert query["X-Amz-Signature"] and 0 < int(query["X-Amz-Expires"][0]) <= 300
    assert public == "https://cdn.example.org/public/ccm/1234/7/display.jpg"


@pytest.mark.django_db(transaction=True)
def test_a_worker_or_web_node_with_another_secret_key_refuses_to_start_and_says_why():
    from django.utils.crypto import salted_hmac

    from health.models import SharedSecret
    from tests.conftest import database_url_for_subprocess

    site_key = "the-key-the-site-started-with-" + "s" * 40
    SharedSecret.objects.create(name="SECRET_KEY", fingerprint=salted_hmac(
        "voices.same-key", "fingerprint", secret=site_key, algorithm="sha256").hexdigest())
    env = subprocess_env(DATABASE_URL=database_url_for_subprocess(), SECRET_KEY="another-key-" + "o" * 50)
    worker = run(["-m", "celery", "--app", "config", "worker", "--queues", f"nothing-{secrets.token_hex(4)}",
                  "--concurrency", "1", "--without-mingle", "--without-gossip"], env)
    web = run(["-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"], {**env, "VOICES_PORT": "0"})
    refusal = "refuses to start: its SECRET_KEY is not the one the site's other machines use"
    assert worker.returncode != 0 and refusal in worker.stdout + worker.stderr
    assert web.returncode != 0 and refusal in web.stdout + web.stderr

    # The same machines with the site's key start (and are stopped again here).
    started = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
                               cwd=ROOT, env={**env, "SECRET_KEY": site_key, "VOICES_PORT": str(free_port())},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            started.wait(timeout=8)
    finally:
        started.terminate()
        started.wait(timeout=30)


def test_a_missing_media_work_dir_is_created_when_the_settings_are_read(tmp_path):
    folder = tmp_path / "work" / "media"
    code = "import django; django.setup(); from django.conf import settings; print(settings.MEDIA_WORK_DIR)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env=subprocess_env(MEDIA_WORK_DIR=str(folder)))
    assert result.stdout.strip() == str(folder) and folder.is_dir()


def test_server_threads_share_one_copy_of_the_s3_api_description(s3_server):
    """Each server thread that touches S3 has a boto3 session of its own (a session is not thread-safe). With
    django-storages' storage as it comes, each also keeps its own copy of S3's API description, and a web node's
    memory grew with every thread that took an upload (B8). Here eight threads, alive at once, cost less than a
    fifth of what they cost with the storage as it comes."""
    import threading
    import tracemalloc

    from storages.backends.s3 import S3Storage as AsItComes

    from config.storages import S3Storage

    def kept_by_eight_threads(storage_class) -> int:
        storage = storage_class(bucket_name="voices-test", endpoint_url=s3_server, region_name="us-east-1",
                                access_key="test", secret_key="test", location="threads")
        storage.exists("warm.txt")  # this thread loads what the others may share
        done, ready = threading.Event(), threading.Barrier(9)

        def serve() -> None:
            storage.exists("a.txt")
            storage.url("a.txt")
            ready.wait()
            done.wait()  # a server thread lives on, and so does its session

        tracemalloc.start()
        threads = [threading.Thread(target=serve) for _ in range(8)]
        try:
            for thread in threads:
                thread.start()
            ready.wait()
            return tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
            done.set()
            for thread in threads:
                thread.join()

    as_it_comes, shared = kept_by_eight_threads(AsItComes), kept_by_eight_threads(S3Storage)
    mib = 1024 * 1024
    assert as_it_comes > 8 * mib, as_it_comes / mib  # else this test measures nothing
    assert shared < as_it_comes / 5, (shared / mib, as_it_comes / mib)
