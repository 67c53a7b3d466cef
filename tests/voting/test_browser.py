"""The vote in Chromium: a visitor votes on a 360 px phone in Arabic (right to left), by keyboard and touch, and
every vote page, the organizer's too, passes axe; nothing scrolls sideways."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from PIL import Image

from tests.conftest import assert_accessible, screenshot
from tests.results.helpers import add_rendition
from voting import services
from voting.models import Ballot

from .helpers import announced_contest, open_vote

pytestmark = pytest.mark.django_db(transaction=True)
COLOURS = ["#1b6f8a", "#b5542b", "#3c7d3a", "#6b4f9e"]


def picture(colour: str) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (640, 400), colour).save(data, "JPEG")
    return data.getvalue()


@pytest.fixture
def voting():
    cache.clear()
    made = announced_contest()
    made.contest.title_ar = "الشباب من أجل نزع السلاح الإنساني"
    made.contest.save()
    titles = ["لا قنابل بعد اليوم", "Fields without fear", "حقول آمنة", "Les enfants de la plaine"]
    for entry, colour, title in zip(made.entries, COLOURS, titles, strict=True):
        entry.title = title
        entry.save()
        add_rendition(entry, spec="thumb.jpg", data=picture(colour))
    return made, open_vote(made)


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"horizontal scroll: {widths[0]} px of content on a {widths[1]} px screen"


def test_voting_on_a_phone_in_arabic(phone_page, live_server, voting):
    made, vote = voting
    page = phone_page
    page.goto(f"{live_server.url}/ar/contests/{made.contest.slug}/vote/{vote.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text().startswith("اختيار الجمهور")
    assert page.locator(".choice").count() == 4
    # Every choice shows its picture (lazy: each loads once it is scrolled to).
    for image in page.locator(".choice img").all():
        image.scroll_into_view_if_needed()
        image.evaluate("img => img.decode()")
        assert image.evaluate("img => img.naturalWidth") == 640
    page.evaluate("window.scrollTo(0, 0)")
    fits(page)
    assert_accessible(page, "vote-ballot-ar-360px")

    # By keyboard: into the choices, the arrow moves to the next work, then the address.
    radios = page.locator("input[name=entry]")
    radios.first.focus()
    page.keyboard.press("ArrowDown")
    chosen = page.locator("input[name=entry]:checked").get_attribute("value")
    assert chosen == radios.nth(1).get_attribute("value")
    page.locator("input[type=email]").fill("layla@example.org")
    page.locator("button[type=submit]").click()
    assert page.locator("[role=status] h2").count() == 1
    fits(page)
    assert_accessible(page, "vote-link-sent-ar-360px")
    assert Ballot.objects.count() == 0

    link = next(word for word in mail.outbox[-1].body.split() if "/vote/confirm/" in word)
    assert link.startswith(f"{live_server.url}/ar/")
    page.goto(link)
    fits(page)
    assert_accessible(page, "vote-confirm-ar-360px")
    page.locator("button[type=submit]").tap()
    page.wait_for_selector("[role=status]")
    assert str(Ballot.objects.get().entry_id) == chosen
    fits(page)
    assert_accessible(page, "vote-counted-ar-360px")

    # A throwaway address is refused beside the field, in Arabic.
    page.goto(f"{live_server.url}/ar/contests/{made.contest.slug}/vote/{vote.pk}/")
    page.locator(".choice label").first.tap()
    page.locator("input[type=email]").fill("x@mailinator.com")
    page.locator("button[type=submit]").tap()
    error = page.locator("#email-error")
    assert "mailinator.com" in error.inner_text()
    assert page.locator("input[type=email]").get_attribute("aria-describedby") == "email-help email-error"
    fits(page)
    assert_accessible(page, "vote-refused-domain-ar-360px")


def test_the_organizers_vote_pages_and_the_gallery_pass_axe(page, phone_page, live_server, voting):
    made, vote = voting
    now = timezone.now()
    for i in range(7):
        link = services.read_link(services.ballot_link(vote=vote, entry_id=made.entries[0 if i < 4 else 1].pk,
                                                       email=f"n{i}@example.net", now=now), now=now)
        services.cast_ballot(link=link, address=services.Address.of(f"203.0.113.{i}", "FR"),
                             now=now + timedelta(seconds=i))
    sign_in(page, live_server, made.organizer)
    page.goto(f"{live_server.url}/en/contests/{made.contest.slug}/vote/manage/")
    assert_accessible(page, "vote-manage")
    page.goto(f"{live_server.url}/en/contests/{made.contest.slug}/vote/manage/{vote.pk}/integrity/")
    assert page.locator(".burst").count() == 2  # the block and the domain
    assert "France" in page.locator("#countries-heading + table").inner_text()
    assert_accessible(page, "vote-integrity")
    page.locator(".void-form input[name=reason]").first.fill("Seven votes from one block in seven seconds.")
    page.locator(".void-form button").first.click()
    assert page.locator(".voided").count() == 1
    assert Ballot.objects.get(voided_at__isnull=False).entry == made.entries[1]  # the newest, listed first

    # The organizer's pages on a phone, right to left: nothing scrolls sideways.
    sign_in(phone_page, live_server, made.organizer)
    for name, path in [("manage", "vote/manage/"), ("integrity", f"vote/manage/{vote.pk}/integrity/")]:
        phone_page.goto(f"{live_server.url}/ar/contests/{made.contest.slug}/{path}")
        fits(phone_page)
        assert_accessible(phone_page, f"vote-{name}-ar-360px")
    phone_page.context.clear_cookies()

    services.close_vote(vote=vote, by=made.organizer, now=timezone.now())
    services.publish_totals(vote=vote, by=made.organizer, now=timezone.now())
    for language in ("ar", "zh-hans"):
        phone_page.goto(f"{live_server.url}/{language}/contests/{made.contest.slug}/winners/")
        assert phone_page.locator(".peoples-choice h3").inner_text() == made.entries[0].title
        fits(phone_page)
        assert_accessible(phone_page, f"vote-gallery-{language}-360px")
        phone_page.goto(f"{live_server.url}/{language}/contests/{made.contest.slug}/vote/{vote.pk}/totals/")
        fits(phone_page)
        assert_accessible(phone_page, f"vote-totals-{language}-360px")
    screenshot(page, "vote-integrity-after-void")
