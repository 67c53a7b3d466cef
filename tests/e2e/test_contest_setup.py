"""An organizer sets next year's contest up in Chromium, without the administration: a copy of last year's, new
dates, a category's limit, the rules in Chinese; opens it; entrants see the new texts, and a new version of the
rules asks those registered to accept it again (by email, from the real worker)."""

import shutil
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.enums import ContestStatus
from contest.models import AuditEvent, Contest, Registration
from demo.seed import DEMO_PASSWORD, SLUG, seed_demo
from tests.conftest import assert_accessible, screenshot, wait_until, worker_mail_dir
from tests.factories import years_before
from tests.results.helpers import worker_mail

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]

ORGANIZER = "organizer@voices.example"
NEW_SLUG = "youth-2027"
RULES_ZH = "参赛作品必须是原创作品。"


def sign_in(page, live_server, email: str, language: str = "en") -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.fixture
def last_year(transactional_db):
    cache.clear()
    seed_demo(now=timezone.now())
    Contest.objects.filter(slug=SLUG).update(rules_text_zh_hans="")  # last year's rules had no Chinese text
    return Contest.objects.get(slug=SLUG)


@pytest.fixture
def entrant(last_year):
    person = User.objects.create_user(
        email="amina@voices.example", password=DEMO_PASSWORD, full_name="Amina Diallo",
        date_of_birth=years_before(timezone.localdate(), 21), country="LB", preferred_language="zh-hans",
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


def test_an_organizer_copies_last_years_contest_sets_it_up_and_opens_it(
    browser, page, phone_page, live_server, last_year, entrant, celery_worker
):
    mail_dir = worker_mail_dir()
    shutil.rmtree(mail_dir)
    mail_dir.mkdir()
    video = last_year.categories.get(media_kind="video")

    # 1. From the organizer's own pages: a copy of last year's contest.
    sign_in(page, live_server, ORGANIZER)
    page.goto(f"{live_server.url}/en/judging/")
    page.get_by_role("link", name="New contest, or a copy of last year's").click()
    page.get_by_role("heading", name="New contest").wait_for()
    assert_accessible(page, "setup-1-new")
    page.get_by_label("Start from").select_option(label=last_year.title)
    page.get_by_label("Title (English)").fill("Youth for Humanitarian Disarmament 2027")
    page.get_by_label("Address name").fill(NEW_SLUG)
    page.get_by_role("button", name="Create the contest").click()
    page.get_by_role("heading", name="Contest set-up").wait_for()
    assert page.get_by_text("The copy is ready, as a draft.").is_visible()
    assert_accessible(page, "setup-2-overview")
    copy = Contest.objects.get(slug=NEW_SLUG)
    assert copy.status == ContestStatus.DRAFT and copy.themes.count() == last_year.themes.count()

    # 2. New dates, typed in the contest's zone; the organizer's own zone is shown beside them.
    page.get_by_role("link", name="Dates and limits").click()
    opens = timezone.localtime(timezone.now() - timedelta(days=1), copy.zone).replace(second=0, microsecond=0)
    closes = (opens + timedelta(days=40)).replace(hour=23, minute=59)
    page.get_by_label("Opens at").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Closes at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator(".local-time").first.is_visible()  # this browser is in UTC: its own time is shown too
    assert_accessible(page, "setup-3-dates")
    in_zurich = browser.new_context(timezone_id=copy.time_zone)
    same_zone = in_zurich.new_page()
    same_zone.context.add_cookies(page.context.cookies())
    same_zone.goto(page.url)
    same_zone.get_by_role("heading", name="Dates and limits").wait_for()
    assert not same_zone.locator(".local-time").first.is_visible()  # in the contest's own zone: said once
    in_zurich.close()
    copy.refresh_from_db()
    assert copy.closes_at == closes

    # 3. A category's limit.
    page.get_by_role("link", name="Categories", exact=True).click()
    position = list(copy.categories.order_by("position", "pk").values_list("title_en", flat=True)).index(video.title)
    limit = page.locator(f"#id_categories-{position}-max_entries_per_entrant")
    limit.fill("1")
    assert_accessible(page, "setup-4-categories")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert copy.categories.get(title_en=video.title).max_entries_per_entrant == 1

    # 4. The rules in Chinese, by keyboard alone: type, Tab to the choice, arrow to "a correction", Enter.
    page.get_by_role("link", name="Rules", exact=True).click()
    assert page.locator("label[for=id_rules_text_zh_hans] .missing").is_visible()  # marked as untranslated
    assert_accessible(page, "setup-5-rules")
    page.locator("#id_rules_text_zh_hans").focus()
    page.keyboard.type(RULES_ZH)
    for _step in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "publish_as":
            break
    page.keyboard.press("ArrowDown")
    assert page.locator("input[name=publish_as][value=correction]").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save the rules"
    page.keyboard.press("Enter")
    page.get_by_text("Saved. The rules keep version 1.").wait_for()
    copy.refresh_from_db()
    assert copy.rules_text_zh_hans == RULES_ZH

    # 5. Open it, through the move (recorded in the audit log).
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Open for entries").click()
    page.get_by_text("The contest is now “Open for entries”.").wait_for()
    assert page.get_by_role("button", name="Close early").is_visible()
    assert AuditEvent.objects.filter(contest=copy, action="contest.open", actor_label=ORGANIZER).exists()

    # 6. An entrant reading Chinese sees the new texts and dates, and registers.
    sign_in(page, live_server, entrant.email, language="zh-hans")
    page.goto(f"{live_server.url}/zh-hans/contests/{NEW_SLUG}/")
    assert page.get_by_text(RULES_ZH).is_visible()
    assert str(closes.year) in page.locator("#dates-heading + dl").inner_text()
    page.goto(f"{live_server.url}/en/contests/{NEW_SLUG}/")
    assert page.get_by_text("At most 1 entry per entrant.").is_visible()
    page.get_by_role("link", name="Enter the contest").click()
    page.get_by_label("I have read the rules above and accept them.").check()
    page.get_by_label("I have read the privacy notice.").check()
    page.get_by_label("I agree that the organizers keep and use my data").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="You can take part").wait_for()
    assert Registration.objects.get(user=entrant, contest=copy).rules_version == 1

    # 7. The organizer publishes a new version of the rules.
    sign_in(page, live_server, ORGANIZER)
    page.goto(f"{live_server.url}/en/setup/{NEW_SLUG}/rules/")
    page.locator("#id_rules_text_en").fill(copy.rules_text_en + "\n\nEntries must not show a person without consent.")
    page.get_by_label("A new version of the rules").check()
    page.get_by_role("button", name="Save the rules").click()
    page.get_by_text("Version 2 of the rules is published.").wait_for()

    # 8. The entrant is asked, by email in their language and on the contest's page, and accepts again.
    wait_until(lambda: [m for m in worker_mail(mail_dir) if m["To"] == entrant.email], timeout=60,
               message="the worker's email about the new rules")
    message = [m for m in worker_mail(mail_dir) if m["To"] == entrant.email][0]
    assert f"/zh-hans/contests/{NEW_SLUG}/register/" in message.get_content()
    sign_in(page, live_server, entrant.email)
    page.goto(f"{live_server.url}/en/contests/{NEW_SLUG}/")
    page.get_by_role("heading", name="The rules have changed").wait_for()
    page.get_by_role("link", name="Read and accept the new rules").click()
    page.get_by_role("heading", name="Accept the new rules").wait_for()
    page.get_by_label("I have read the rules above and accept them.").check()
    page.get_by_label("I have read the privacy notice.").check()
    page.get_by_label("I agree that the organizers keep and use my data").check()
    page.get_by_role("button", name="Accept the new rules").click()
    page.get_by_role("heading", name="You can take part").wait_for()
    assert Registration.objects.get(user=entrant, contest=copy).rules_version == 2

    # 9. On a phone, in Arabic: the set-up pages fit 360 px and pass axe.
    sign_in(phone_page, live_server, ORGANIZER, language="ar")
    pages = (("overview", ""), ("dates", "dates/"), ("themes", "themes/"), ("categories", "categories/"),
             ("rules", "rules/"), ("eligibility", "eligibility/"), ("texts", "texts/"))
    for name, path in pages:
        phone_page.goto(f"{live_server.url}/ar/setup/{NEW_SLUG}/{path}")
        assert phone_page.locator("html").get_attribute("dir") == "rtl"
        assert no_sideways_scroll(phone_page), f"{name} scrolls sideways at 360 px"
        assert_accessible(phone_page, f"setup-phone-ar-{name}")
    phone_page.goto(f"{live_server.url}/ar/setup/new/")
    assert no_sideways_scroll(phone_page)
    assert_accessible(phone_page, "setup-phone-ar-new")
    sign_in(page, live_server, ORGANIZER)
    page.goto(f"{live_server.url}/en/setup/{NEW_SLUG}/eligibility/")
    assert_accessible(page, "setup-8-eligibility")
    page.goto(f"{live_server.url}/en/setup/{NEW_SLUG}/texts/")
    assert page.locator("label[for=id_contest-title_ru] .missing").is_visible()
    assert_accessible(page, "setup-6-texts")
    page.goto(f"{live_server.url}/ar/setup/{NEW_SLUG}/texts/")
    screenshot(page, "setup-7-texts-ar")
