"""The thirteen requests that answered 500 when fuzzed, each sent as an attacker would: each now gets a 4xx (or,
where what was sent can be cleaned, is saved clean), and nothing reaches PostgreSQL with a NUL in it."""

import pytest
from django.test import Client
from django.utils import timezone

from contest.enums import MediaKind
from judging.models import AISuspicion
from submissions import services as entries
from submissions.models import Upload
from tests.factories import CategoryFactory, ContestFactory, ThemeFactory
from tests.judging.factories import jury
from tests.results.helpers import add_rendition
from tests.submissions.test_entries import registered
from tests.uploading import metadata

pytestmark = pytest.mark.django_db


@pytest.fixture
def made():
    return jury(entries=2, judges=2, k=2)


def signed_in(user, *, csrf: bool = False) -> Client:
    """A signed-in browser; with `csrf`, one that checks CSRF as a real one does and holds its CSRF cookie, so a
    POST's body is read for the token."""
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    if csrf:
        client.get("/en/profile/")
        assert "csrftoken" in client.cookies
    return client


def is_refusal(response) -> bool:
    return 400 <= response.status_code < 500


def test_1_feedback_with_a_score_that_is_not_a_number(made):
    client = signed_in(made.organizer)
    answer = client.post(f"/en/contests/{made.contest.slug}/results/manage/feedback/",
                         {"score": "x", "decision": "approve"})
    assert answer.status_code == 404


def test_2_taking_an_entry_from_an_assignment_that_is_not_a_number(made):
    client = signed_in(made.organizer)
    answer = client.post(f"/en/judging/manage/rounds/{made.round.pk}/entries/{made.entries[0].pk}/",
                         {"assignment": "x"})
    assert answer.status_code == 404


def test_3_removing_a_judge_who_is_not_a_number(made):
    client = signed_in(made.organizer)
    answer = client.post(f"/en/judging/manage/rounds/{made.round.pk}/panel/", {"action": "remove", "judge": "x"})
    assert answer.status_code == 404


def test_4_the_judges_queue_after_a_superscript_two(made):
    client = signed_in(made.judges[0])
    answer = client.get(f"/en/judging/rounds/{made.round.pk}/", {"after": "²"})
    assert answer.status_code == 400
    assert "not a number" in answer.content.decode()
    # A real cursor still pages.
    assert client.get(f"/en/judging/rounds/{made.round.pk}/", {"after": "1"}).status_code == 200


def test_5_the_progress_page_after_a_superscript_two(made):
    client = signed_in(made.organizer)
    assert client.get(f"/en/judging/manage/rounds/{made.round.pk}/progress/", {"after": "²"}).status_code == 400


def test_6_the_screening_page_after_a_superscript_two(made):
    client = signed_in(made.organizer)
    answer = client.get(f"/en/judging/manage/{made.contest.slug}/screening/", {"after": "²"})
    assert answer.status_code == 400


def test_7_an_entry_reference_with_a_nul(made):
    client = signed_in(made.entries[0].entrant)
    assert client.get("/en/entries/a%00b/").status_code == 404
    assert client.get("/en/entries/a\x00b/").status_code == 404
    assert client.get(f"/en/entries/{made.entries[0].reference}/").status_code == 200


def test_8_captions_in_a_language_with_a_nul(made):
    assignment = made.judges[0].assignments.first()
    client = signed_in(made.judges[0])
    assert client.get(f"/en/judging/assignments/{assignment.pk}/captions/a%00b.vtt").status_code == 404


def test_9_a_rendition_with_a_nul_in_its_name(made):
    entry = made.entries[0]
    rendition = add_rendition(entry)
    client = signed_in(entry.entrant)
    base = f"/en/entries/{entry.reference}/files/{rendition.asset.pk}/renditions/"
    assert client.get(base + "a%00b").status_code == 404
    assert client.get(base + "poster.jpg").status_code == 200


def _open_contest_entry():
    contest = ContestFactory()
    ThemeFactory(contest=contest)
    CategoryFactory(contest=contest, media_kind=MediaKind.VIDEO, max_size_bytes=10 * 1024 * 1024)
    person = registered(contest)
    entry = entries.create_entry(
        contest=contest, entrant=person,
        data={"theme": contest.themes.get(), "category": contest.categories.get(), "title": "Fields"},
        declarations=set(), now=timezone.now(),
    )
    return person, entry


def _tus_post(client, **values: str):
    return client.post("/en/uploads/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "1000",
                                                "Upload-Metadata": metadata(**values)})


def test_10_a_tus_upload_for_an_entry_reference_with_a_nul():
    person, _entry = _open_contest_entry()
    client = signed_in(person)
    answer = client.post("/en/uploads/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "1000",
                                                  "Upload-Metadata": "entry YQBi"})
    assert answer.status_code == 404
    assert "No entry of yours has this reference." in answer.content.decode()


def test_11_a_tus_upload_whose_file_name_and_type_hold_nul_is_started_with_them_cleaned():
    person, entry = _open_contest_entry()
    client = signed_in(person)
    answer = _tus_post(client, entry=entry.reference, filename="fi\x00lm.mp4", filetype="video/\x00mp4")
    assert answer.status_code == 201, answer.content
    upload = Upload.objects.get(entry=entry)
    assert (upload.filename, upload.declared_type) == ("film.mp4", "video/mp4")


def test_12_an_ai_suspicion_note_with_a_nul_is_saved_without_it(made):
    client = signed_in(made.organizer)
    entry = made.entries[0]
    answer = client.post(f"/en/judging/manage/{made.contest.slug}/screening/{entry.pk}/ai/",
                         {"suspected": "1", "note": "a\x00b"})
    assert answer.status_code == 302
    assert AISuspicion.objects.get(entry=entry).note == "ab"


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=xyz"])
def test_13_a_signed_in_malformed_multipart_post_to_a_missing_address(made, content_type):
    client = signed_in(made.organizer, csrf=True)
    answer = client.post("/en/no-such-page/", data="x", content_type=content_type)
    assert answer.status_code == 404
    assert "Page not found" in answer.content.decode()


def test_13_the_same_body_to_a_real_page_is_a_bad_request_not_a_500(made):
    client = signed_in(made.organizer, csrf=True)
    answer = client.post(f"/fr/contests/{made.contest.slug}/results/manage/feedback/", data="x",
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    assert "Requête" in answer.content.decode() or answer.content.decode().count("<html lang=\"fr\"") == 1
