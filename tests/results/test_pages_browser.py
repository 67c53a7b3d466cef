"""The results pages in Chromium: the winners' gallery and the exhibition on a 360 px phone in English and
Arabic (right to left), and the organizer's pages, all without serious axe violations."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from results import services
from submissions.models import Attachment
from tests.conftest import assert_accessible, screenshot
from tests.results.helpers import add_rendition, award_and_verify, judged_contest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def announced():
    made = judged_contest(steps=["normalised_mean", "criterion_mean"], name_criterion=True)
    winner = made.entries[0]
    add_rendition(winner, spec="video.mp4", content_type="video/mp4", data=b"\x00\x00\x00\x18ftypmp42")
    add_rendition(winner, spec="poster.jpg")
    add_rendition(made.entries[1], spec="thumb.jpg")
    caption = Attachment(entry=winner, kind="caption", language="en", size=30)
    caption.file.save("captions-en.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"), save=False)
    caption.save()
    contest = made.contest
    contest.title_ar = "الشباب من أجل نزع السلاح الإنساني"
    contest.save()
    award_and_verify(made)
    now = timezone.now()
    services.schedule_announcement(contest=contest, at=now + timedelta(seconds=1), by=made.organizer, now=now)
    services.announce(contest_id=contest.pk, now=now + timedelta(seconds=1))
    return made


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"horizontal scroll: {widths[0]} px of content on a {widths[1]} px screen"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_gallery_and_exhibition_fit_a_phone_and_pass_axe(phone_page, live_server, announced, language):
    made = announced
    phone_page.goto(f"{live_server.url}/{language}/contests/{made.contest.slug}/winners/")
    assert phone_page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    video = phone_page.locator("video")
    assert video.count() == 1 and phone_page.locator("video track[kind=captions]").count() == 1
    assert made.entries[0].title in phone_page.locator("h2").first.inner_text()
    assert phone_page.locator('meta[property="og:image"]').count() == 1
    fits(phone_page)
    assert_accessible(phone_page, f"results-gallery-{language}-360px")

    phone_page.goto(f"{live_server.url}/{language}/contests/{made.contest.slug}/exhibition/")
    assert phone_page.locator(".exhibition > li").count() == 4
    fits(phone_page)
    assert_accessible(phone_page, f"results-exhibition-{language}-360px")


def test_the_organizer_pages_pass_axe(page, live_server, announced):
    made = announced
    sign_in(page, live_server, made.organizer)
    for name, path in [("manage", "results/manage/"), ("statistics", "results/manage/statistics/"),
                       ("feedback", "results/manage/feedback/"),
                       ("verify", f"results/manage/verify/{made.entries[0].pk}/")]:
        page.goto(f"{live_server.url}/en/contests/{made.contest.slug}/{path}")
        assert_accessible(page, f"results-organizer-{name}")
    sign_in(page, live_server, made.entries[0].entrant)
    page.goto(f"{live_server.url}/en/contests/{made.contest.slug}/my-result/")
    assert page.get_by_role("link", name="Download your certificate of award (PDF)").count() == 1
    assert_accessible(page, "results-my-result")
    screenshot(page, "results-my-result")
