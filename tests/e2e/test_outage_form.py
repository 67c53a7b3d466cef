"""In Chromium: a judge's comment sent while the database is down is not lost; the browser gives it back.

The site runs in gunicorn on a PostgreSQL cluster of the test's own, which
the test stops for real between typing and sending, then starts again.
"""

import signal
import subprocess
import sys

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from judging.models import Assignment, Score
from tests.conftest import (
    ROOT,
    assert_accessible,
    database_url_for_subprocess,
    free_port,
    results_dir,
    subprocess_env,
    wait_until,
)
from tests.judging.factories import jury

pytestmark = [pytest.mark.browser, pytest.mark.services]

COMMENT = "The sound of the last scene carries the whole film; the opening is too long."


@pytest.fixture
def site_on_private_postgres(on_private_postgres):
    port = free_port()
    env = subprocess_env(DATABASE_URL=database_url_for_subprocess(), VOICES_PORT=str(port), WEB_CONCURRENCY="1")
    log = open(results_dir() / "gunicorn-outage-form.log", "wb")  # noqa: SIM115 - the process owns it
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(lambda: server.poll() is not None or answers(), timeout=60, message="gunicorn to answer")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_comment_sent_during_a_database_outage_is_kept_by_the_browser_and_put_back(
    browser, site_on_private_postgres, on_private_postgres, language
):
    base = site_on_private_postgres
    jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get()
    client = Client()
    client.force_login(assignment.judge)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base}/{language}/judging/assignments/{assignment.pk}/")
        page.locator("textarea[name=comment]").fill(COMMENT)

        on_private_postgres.stop("fast")
        page.locator("button[name=action][value=save]").click()
        page.wait_for_load_state()
        assert page.locator("body").get_attribute("data-sent") == "not-saved"
        assert page.locator("[data-kept-note]").is_visible(), "the page says the text is kept in the browser"
        assert_accessible(page, f"outage-not-saved-{language}-360")

        on_private_postgres.start()
        connection.close()  # this test's own connection was cut with the others
        page.locator("main a.button").click()  # back to the form
        page.wait_for_load_state()
        assert page.locator("textarea[name=comment]").input_value() == COMMENT
        assert page.locator("main p.message[role=status]").is_visible()
        assert not Score.objects.filter(assignment=assignment).exists(), "nothing was saved during the outage"

        page.locator("button[name=action][value=save]").click()
        page.wait_for_load_state()
        assert Score.objects.get(assignment=assignment).comment == COMMENT
        assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('voices-unsent:')).length") == 0
    finally:
        context.close()
