"""The public pages in Chromium: they render, switch languages, fit a phone, and pass axe."""

import pytest
from django.utils import timezone

from demo.seed import SLUG, seed_demo
from tests.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTEST = f"/en/contests/{SLUG}/"


@pytest.fixture
def demo(transactional_db):
    seed_demo(now=timezone.now())


def test_home_lists_the_demo_contest(page, live_server, demo):
    page.goto(f"{live_server.url}/en/")
    assert page.locator("h1").inner_text() == "Your voice, your work, your world"
    page.get_by_role("link", name="Youth for Humanitarian Disarmament: Youth Multimedia Contest").click()
    page.wait_for_url(f"**{CONTEST}")
    assert_accessible(page, "contest-en-desktop")


def test_contest_page_shows_themes_categories_and_a_live_countdown(page, live_server, demo):
    page.goto(f"{live_server.url}{CONTEST}")
    assert page.locator("h1").inner_text() == "Youth for Humanitarian Disarmament: Youth Multimedia Contest"
    assert page.locator(".themes > li").count() == 3
    assert page.locator("#categories-heading + .cards > li").count() == 5
    assert "At most 3 minutes long." in page.locator(".cards").inner_text()
    # The script adds the deadline in the viewer's time zone and a minute-by-minute countdown.
    page.locator(".local-time").wait_for(state="visible")
    assert "days" in page.locator(".countdown__value").inner_text()
    assert page.get_by_role("link", name="Enter the contest").is_visible()


def test_switching_to_arabic_turns_the_page_right_to_left(page, live_server, demo):
    page.goto(f"{live_server.url}{CONTEST}")
    page.get_by_role("navigation", name="Language").locator('a[hreflang="ar"]').click()
    page.wait_for_url(f"**/ar/contests/{SLUG}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "الشباب من أجل نزع السلاح الإنساني: مسابقة الوسائط المتعددة للشباب"
    assert page.get_by_role("link", name="Contests").count() == 0, "the navigation should be in Arabic too"
    assert_accessible(page, "contest-ar-desktop")


@pytest.mark.parametrize("language", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_contest_page_fits_a_360px_phone_in_every_language(phone_page, live_server, demo, language):
    phone_page.goto(f"{live_server.url}/{language}/contests/{SLUG}/")
    widths = phone_page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"horizontal scroll in {language}: content {widths[0]} px on a {widths[1]} px screen"
    assert_accessible(phone_page, f"contest-{language}-360px")


@pytest.mark.parametrize(
    "path",
    ["/en/", "/en/about/", "/en/privacy/", "/en/accounts/login/", "/ar/", "/zh-hans/about/", "/ru/accounts/signup/"],
)
def test_pages_pass_axe(page, live_server, demo, path):
    page.goto(f"{live_server.url}{path}")
    assert_accessible(page, "page" + path.replace("/", "-").rstrip("-"))


def test_the_skip_link_is_the_first_stop_for_the_keyboard(page, live_server, demo):
    page.goto(f"{live_server.url}{CONTEST}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0, "the focused skip link should be on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_an_organizer_signs_in_with_the_demo_login(page, live_server, demo):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Email").fill("organizer@voices.example")
    page.get_by_label("Password").fill("voices-demo")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()
    screenshot(page, "signed-in-organizer")
