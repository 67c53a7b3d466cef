"""`make run` as a new user runs it: it comes up healthy, serves the demo contest, and Ctrl-C stops everything."""

import os
import signal
import subprocess
import time

import pytest
import requests

from tests.conftest import CI, ROOT, free_port, results_dir, wait_until

EMBEDDED = ("DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "DJANGO_SETTINGS_MODULE")


def processes_in_group(pgid: int) -> list[str]:
    result = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(pgid)], capture_output=True, text=True)
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def run_make_run(tmp_path, extra_env: dict[str, str], log_name: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED}
    env.update({"VOICES_PORT": str(port), "VOICES_VAR_DIR": str(tmp_path / "var"), **extra_env})
    log_path = results_dir() / log_name
    with open(log_path, "wb") as log:
        make = subprocess.Popen(
            ["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:

            def healthy():
                if make.poll() is not None:
                    pytest.fail(f"make run exited with {make.returncode}; see {log_path}")
                try:
                    return requests.get(f"{base}/healthz", timeout=5).status_code == 200
                except (requests.ConnectionError, requests.Timeout):  # slow to answer while it starts
                    return False

            wait_until(healthy, timeout=240, interval=1, message="make run to report healthy at /healthz")
            page = requests.get(f"{base}/en/contests/ccm-youth-multimedia-contest/", timeout=10)
            assert page.status_code == 200
            assert "Youth for Humanitarian Disarmament" in page.text
            arabic = requests.get(f"{base}/ar/contests/ccm-youth-multimedia-contest/", timeout=10)
            assert 'dir="rtl"' in arabic.text and "الشباب من أجل نزع السلاح الإنساني" in arabic.text
            printed = log_path.read_text(errors="replace")
            assert "organizer@voices.example" in printed and "entrant2@voices.example" in printed
            assert "Listening at" in printed, "gunicorn should serve the site"
        finally:
            os.killpg(make.pid, signal.SIGINT)  # What Ctrl-C in a terminal does.
            try:
                make.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)
                pytest.fail("make run did not stop within 60 s of Ctrl-C")
    deadline = time.monotonic() + 30
    while processes_in_group(make.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = processes_in_group(make.pid)
    assert not left, f"still running after Ctrl-C: {left}"


@pytest.mark.services
def test_make_run_on_embedded_defaults(tmp_path):
    run_make_run(tmp_path, {}, "make-run-embedded.log")


@pytest.mark.services
def test_make_run_on_postgresql_redis_and_s3(tmp_path, s3_server):
    """The same command, with the real services named in the environment."""
    import psycopg

    if not CI:
        pytest.skip("runs with CI=true, against the machine's PostgreSQL and Redis")
    name = f"voices_run_{os.getpid()}"
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        run_make_run(
            tmp_path,
            {
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
                "REDIS_URL": "redis://127.0.0.1:6379/5",
                "AWS_STORAGE_BUCKET_NAME": "voices-test",
                "AWS_S3_ENDPOINT_URL": s3_server,
                "AWS_S3_REGION_NAME": "us-east-1",
                "AWS_ACCESS_KEY_ID": "test",
                "AWS_SECRET_ACCESS_KEY": "test",
            },
            "make-run-services.log",
        )
        # The storage was prepared before the demo was stored in it (manage.py prepare_storage).
        assert "Storage is ready" in (results_dir() / "make-run-services.log").read_text(errors="replace")
    finally:
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
