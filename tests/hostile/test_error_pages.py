"""Refusals and failures answer with pages that cannot fail themselves: they never read the request's body,
speak the visitor's language, and an unexpected exception is logged with its traceback."""

import logging

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_csrf_cookie():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    client.get("/en/profile/")
    return client


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "zh-hans", "ar"])
def test_a_malformed_multipart_post_to_a_missing_address_is_a_404_in_the_visitors_language(
    person_with_csrf_cookie, language
):
    answer = person_with_csrf_cookie.post(f"/{language}/nowhere/", data="x", content_type="multipart/form-data")
    page = answer.content.decode()
    assert answer.status_code == 404
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}"' in page


def test_the_404_and_400_pages_are_translated():
    client = Client()
    assert "Page introuvable" in client.get("/fr/nowhere/").content.decode()
    answer = client.get("/fr/judging/rounds/1/", {"after": "x"})  # signed out: sent to sign in first
    assert answer.status_code == 302


def test_a_bad_number_in_an_address_is_a_400_that_says_so_in_french():
    from tests.judging.factories import jury

    made = jury(entries=1, judges=1, k=1)
    client = Client()
    client.force_login(made.judges[0])
    answer = client.get(f"/fr/judging/rounds/{made.round.pk}/", {"after": "\u00b2"})
    assert answer.status_code == 400
    assert "after" in answer.content.decode() and "nombre" in answer.content.decode()


def test_a_tus_client_gets_its_refusals_in_plain_text():
    answer = Client().get("/en/nowhere/", headers={"Tus-Resumable": "1.0.0"})
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/plain") and answer["Tus-Resumable"] == "1.0.0"


@pytest.mark.urls("tests.hostile.boom_urls")
def test_an_unexpected_exception_is_logged_with_its_traceback_and_answered_in_the_visitors_language(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        answer = client.get("/boom/", headers={"Accept-Language": "fr"})
    assert answer.status_code == 500
    records = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert records and records[0].exc_info and records[0].exc_info[0] is RuntimeError
    assert "a bug nobody foresaw" in caplog.text and "Traceback" in caplog.text
