import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from contest.enums import ContestStatus
from tests.factories import CategoryFactory, ContestFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_home_lists_open_contests_and_hides_drafts(client):
    ContestFactory(title="Open call", status=ContestStatus.OPEN)
    ContestFactory(title="Secret draft", status=ContestStatus.DRAFT)
    page = client.get("/en/").content.decode()
    assert "Open call" in page
    assert "Secret draft" not in page


def test_a_draft_contest_is_not_found(client):
    ContestFactory(slug="not-yet", status=ContestStatus.DRAFT)
    assert client.get("/en/contests/not-yet/").status_code == 404


def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/en/contests/no-such-contest/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_deadline_is_shown_in_the_contest_time_zone(client):
    zone = zoneinfo.ZoneInfo("America/Mexico_City")
    closes = datetime(2099, 3, 31, 23, 59, tzinfo=zone)
    ContestFactory(slug="mx", time_zone="America/Mexico_City", closes_at=closes, opens_at=timezone.now())
    page = client.get("/en/contests/mx/").content.decode()
    assert "March 31, 2099, 11:59 p.m." in page
    assert "America/Mexico_City" in page
    assert 'data-countdown="2099-04-01T05:59:00+00:00"' in page or 'data-countdown="2099-03-31T23:59:00-06:00"' in page


def test_the_contest_page_runs_few_queries_however_many_themes(client, django_assert_max_num_queries):
    contest = ContestFactory(slug="busy")
    ThemeFactory.create_batch(12, contest=contest)
    CategoryFactory.create_batch(12, contest=contest)
    with django_assert_max_num_queries(4):
        assert client.get("/en/contests/busy/").status_code == 200


def test_a_closed_contest_says_so_and_offers_no_entry(client):
    now = timezone.now()
    ContestFactory(
        slug="done", status=ContestStatus.CLOSED, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1)
    )
    page = client.get("/en/contests/done/").content.decode()
    assert "This contest has closed." in page
    assert "Enter the contest" not in page


def test_contest_text_falls_back_to_english(client):
    ContestFactory(slug="en-only", title_en="Only in English", title_fr=None)
    page = client.get("/fr/contests/en-only/").content.decode()
    assert "Only in English" in page
    assert '<html lang="fr"' in page


def test_an_announced_contest_leads_to_its_winners_and_an_open_one_does_not(client):
    from django.urls import reverse

    announced = ContestFactory(status=ContestStatus.ANNOUNCED)
    still_open = ContestFactory(status=ContestStatus.OPEN)

    page = client.get(f"/en/contests/{announced.slug}/").content.decode()
    assert reverse("results:gallery", args=[announced.slug]) in page
    assert "See the winners" in page
    assert "See the winners" not in client.get(f"/en/contests/{still_open.slug}/").content.decode()
