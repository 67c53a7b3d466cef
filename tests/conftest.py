"""Shared fixtures: the real services, a real Celery worker, Chromium with axe.

With CI=true the suite refuses to start unless PostgreSQL, Redis and Chromium
are there; without it, tests needing a missing service are skipped.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# from the test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "test-results"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _missing_services() -> list[str]:
    missing = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("PostgreSQL: DATABASE_URL does not point at PostgreSQL")
    else:
        import psycopg

        db = settings.DATABASES["default"]
        try:
            psycopg.connect(
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"],
                password=db["PASSWORD"],
                dbname=db["NAME"],
                connect_timeout=3,
            ).close()
        except psycopg.OperationalError as error:
            missing.append(f"PostgreSQL at {db['HOST']}:{db['PORT']}: {error}".strip())
    if not settings.REDIS_URL:
        missing.append("Redis: REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            missing.append(f"Redis at {settings.REDIS_URL}: {error}")
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium: nothing at {CHROMIUM} (apt-get install chromium)")
    return missing


def pytest_sessionstart(session: pytest.Session) -> None:
    if CI and (missing := _missing_services()):
        pytest.exit("CI=true needs the real services, and these are missing:\n  - " + "\n  - ".join(missing), 3)
    # The stored files start empty, as the test database does: a file left by an earlier run sits where this
    # run's rows, numbered from 1 again, put theirs (a rendition's folder is a keyed hash of its file's id).
    # Only in the tests' own folder, never in one VOICES_VAR_DIR names.
    if Path(settings.VAR_DIR) == ROOT / "var" / "test":
        for folder in ("private", "public", "uploads"):
            shutil.rmtree(Path(settings.VAR_DIR) / folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """A request to /es/ leaves Spanish active in the thread; each test starts from the default language,
    so plain field names of translated models (title, rules_text) mean the English column."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _flush_that_waits_out_the_worker():
    """The session's real Celery worker may still be finishing a job from the test that just ended while
    the teardown empties the tables: PostgreSQL then breaks the deadlock by cancelling one side. A
    cancelled flush is tried again; the worker's job, whose rows are gone, ends as nothing to do."""
    from django.db import OperationalError
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        for attempt in range(4):
            try:
                return original(self)
            except Exception as error:  # flush wraps the OperationalError in a CommandError
                cause = error.__cause__ or error
                if attempt == 3 or not isinstance(cause, OperationalError) or "deadlock" not in str(cause):
                    raise
                time.sleep(0.5)

    TransactionTestCase._fixture_teardown = _fixture_teardown


_flush_that_waits_out_the_worker()


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.2, message: str = "condition"):
    """Poll `condition` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout} s waiting for {message}")


def database_url_for_subprocess() -> str:
    """The URL of the database this test run uses (the test database, not the main one)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_mail_dir() -> Path:
    """Where subprocesses (the Celery worker) write the mail they send; see config/settings/test.py."""
    path = Path(settings.VAR_DIR) / "worker-mail"
    path.mkdir(parents=True, exist_ok=True)
    return path


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "VOICES_VAR_DIR": str(settings.VAR_DIR)}
    env["VOICES_TEST_MAIL_DIR"] = str(worker_mail_dir())
    env.update(extra)
    return env


# --- A real Celery worker --------------------------------------------------
@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen]:
    """A separate `celery worker` process on the configured broker and the test database."""
    from config.celery_app import app

    with django_db_blocker.unblock():
        env = subprocess_env(DATABASE_URL=database_url_for_subprocess())
    name = f"test-{os.getpid()}@%h"
    log = open(results_dir() / "celery-worker.log", "wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "config",
            "worker",
            "--queues",
            "default,media",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "--hostname",
            name,
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            lambda: process.poll() is not None or app.control.ping(timeout=0.5),
            timeout=60,
            message="the Celery worker to answer a ping",
        )
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited with {process.returncode}; see test-results/celery-worker.log")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def results_dir() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


# --- S3: moto's server speaks the real S3 API over HTTP --------------------
@pytest.fixture(scope="session")
def s3_server():
    import boto3

    from tests.serving import moto_s3

    with moto_s3() as url:
        client = boto3.client(
            "s3", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
        )
        client.create_bucket(Bucket="voices-test")
        yield url


# --- Chromium through Playwright ------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if CI:
            pytest.fail(f"Chromium is required with CI=true and is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    path = results_dir() / "screenshots" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation; a screenshot is kept either way."""
    from axe_playwright_python.sync_playwright import Axe

    screenshot(page, name)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious
    )
    assert not serious, f"axe found serious or critical violations on {name}:\n{details}"


# --- Outages: servers of the test's own that it may stop (tests/outages.py) --------------
@pytest.fixture(scope="session")
def private_postgres(django_db_blocker):
    """A PostgreSQL cluster of the tests' own, migrated, that a test may stop and start."""
    from django.core.management import call_command

    from tests.outages import PrivatePostgres, using_database

    cluster = PrivatePostgres()
    try:
        with django_db_blocker.unblock(), using_database(cluster.url):
            call_command("migrate", verbosity=0)
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def on_private_postgres(private_postgres, django_db_blocker):
    """This test's database is the private cluster (the web views and helpers too), emptied afterwards."""
    from django.core.management import call_command

    from tests.outages import using_database

    with django_db_blocker.unblock(), using_database(private_postgres.url):
        try:
            yield private_postgres
        finally:
            from django.db import connection

            private_postgres.start_if_stopped()
            connection.close()  # cut by a stop, if the test made one
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def private_redis():
    from tests.outages import PrivateRedis

    server = PrivateRedis()
    yield server
    server.kill()
