"""A database outage while a judge saves a score: 503, and the page says truly whether the score was saved.

The database is a private cluster (tests/outages.py) stopped for real at an
exact moment of the request: just before the score's row is written (inside
the transaction), or just after the transaction committed (when the next
page is being found). Then it is started again and the score looked up.
"""

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from judging.enums import ScoreState
from judging.models import Assignment, Score
from tests.judging.factories import jury

from .test_views import form_data, url

NOT_SAVED = "What you sent was not saved. Please send it again in a minute."
SAVED = "What you sent was saved; only the next page could not be shown. Do not send it again."


class StopTheDatabase:
    """Stops the cluster for real when the request reaches the chosen statement, then lets it fail on it."""

    def __init__(self, cluster, *, before_write: bool) -> None:
        self.cluster, self.before_write, self.wrote, self.stopped = cluster, before_write, False, False

    def __call__(self, execute, sql, params, many, context):
        writes_score = sql.lstrip().upper().startswith(("INSERT INTO \"JUDGING_SCORE\"", "UPDATE \"JUDGING_SCORE\""))
        if not self.stopped and writes_score and self.before_write:
            self.stop()
        elif not self.stopped and self.wrote and not context["connection"].in_atomic_block:
            self.stop()  # the score's transaction has committed; this is the first query after it
        self.wrote = self.wrote or writes_score
        return execute(sql, params, many, context)

    def stop(self) -> None:
        self.stopped = True
        self.cluster.stop("fast")


def judge_client(assignment: Assignment) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(assignment.judge)
    return client


@pytest.mark.parametrize("moment", ["before the write", "after the commit"])
def test_a_score_save_cut_by_a_database_outage_answers_503_and_says_truly_whether_it_was_saved(
    on_private_postgres, moment
):
    cluster = on_private_postgres
    team = jury(entries=2, judges=1, k=1)
    assignment = Assignment.objects.order_by("entry_id").first()
    client = judge_client(assignment)
    stopper = StopTheDatabase(cluster, before_write=moment == "before the write")
    data = form_data(team, (7, 8), action="submit", comment="Strong message, shaky camera", confirm_played="on")

    with connection.execute_wrapper(stopper):
        answer = client.post(url(assignment), data, HTTP_REFERER=f"http://testserver{url(assignment)}")
    assert stopper.stopped, (answer.status_code, answer.content.decode()[:3000])
    cluster.start()
    connection.close()

    page = answer.content.decode()
    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert "Briefly unavailable" in page
    saved = Score.objects.filter(assignment=assignment, state=ScoreState.SUBMITTED).first()
    if moment == "before the write":
        assert saved is None, "the transaction was cut: nothing of it may remain"
        assert NOT_SAVED in page and SAVED not in page
        assert f'href="{url(assignment)}"' in page, "a way back to the form"
        assert 'data-sent="not-saved"' in page
    else:
        assert saved is not None and saved.comment == "Strong message, shaky camera"
        assert SAVED in page and NOT_SAVED not in page
        assert 'data-sent="saved"' in page


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "zh-hans", "ar"])
def test_with_the_database_down_pages_answer_503_in_the_readers_language(on_private_postgres, language):
    team = jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get()
    client = judge_client(assignment)
    on_private_postgres.stop("fast")
    try:
        page = client.get(f"/{language}/judging/")
        sent = client.post(f"/{language}/judging/assignments/{assignment.pk}/", form_data(team, (5, 5)))
    finally:
        on_private_postgres.start()
        connection.close()
    with translation.override(language):  # as the page writes them, HTML-escaped
        heading = escape(gettext("Briefly unavailable"))
        nothing_changed = escape(gettext("Nothing was changed. Please try again in a minute."))
        not_saved = escape(gettext("What you sent was not saved. Please send it again in a minute."))
    assert language == "en" or heading != "Briefly unavailable", "the heading is translated"
    for answer in (page, sent):
        assert answer.status_code == 503
        assert answer["Retry-After"] == "30"
        assert f'lang="{language}"' in answer.content.decode()
        assert heading in answer.content.decode()
    assert nothing_changed in page.content.decode()
    assert not_saved in sent.content.decode()
    assert ('dir="rtl"' in page.content.decode()) == (language == "ar")


def test_with_the_database_down_tus_and_json_answers_say_so_in_their_own_form(on_private_postgres):
    from tests.submissions.processing_helpers import demo_contest, draft

    entry = draft(demo_contest())
    client = Client(raise_request_exception=False)
    client.force_login(entry.entrant)
    upload = "/en/uploads/6f1e9c52-3a43-4d0e-9d3e-2f6c1d1b5a10"
    on_private_postgres.stop("fast")
    try:
        patch = client.generic(
            "PATCH", upload, b"bytes", content_type="application/offset+octet-stream",
            HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_OFFSET="0",
        )
        head = client.head(upload, HTTP_TUS_RESUMABLE="1.0.0")
        polled = client.get(f"/en/entries/{entry.reference}/processing.json", HTTP_ACCEPT="application/json")
    finally:
        on_private_postgres.start()
        connection.close()
    assert (patch.status_code, patch["Tus-Resumable"], patch["Retry-After"]) == (503, "1.0.0", "30")
    assert patch["Content-Type"].startswith("text/plain")
    assert NOT_SAVED in patch.content.decode()
    # tus clients begin again from zero after a refused HEAD, except a 423, which they try again.
    assert (head.status_code, head["Retry-After"]) == (423, "30")
    assert polled.status_code == 503
    assert polled.json()["saved"] is None
    assert "Briefly unavailable" not in polled.json()["error"] and "not answering" in polled.json()["error"]
