"""An entrant on a phone in Chromium: writes an essay with the live word counter, saves, submits, gets the receipt."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest import registration as registrations
from contest.eligibility import local_date
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import SLUG, seed_demo
from submissions.enums import Declaration
from submissions.models import Entry
from submissions.words import word_count
from tests.conftest import assert_accessible
from tests.factories import years_before

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "cluster-free-future-2026"
# Chinese, digits, Arabic, hyphens and a dash: the browser must count as the server does.
MIXED = "集束弹药 CCM 公约 2024 — well-known rock'n'roll الذخائر العنقودية"
OPENING = "Cluster munitions kill long after the war ends."
MORE = " Children find the bomblets in fields."


@pytest.fixture
def demo(transactional_db):
    cache.clear()  # Sign-in rate limits must not carry over from other tests.
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture
def entrant(demo):
    person = User.objects.create_user(
        email="itzel@voices.example",
        password=PASSWORD,
        full_name="Itzel Xochitl Ramírez",
        date_of_birth=years_before(local_date(demo.closes_at, demo.time_zone), 22),
        country="MX",
        preferred_language="en",
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    registrations.register(contest=demo, user=person, now=timezone.now())
    return person


def test_an_entrant_writes_saves_and_submits_an_essay_on_a_phone(phone_page, live_server, demo, entrant):
    page = phone_page
    essay = demo.categories.get(media_kind=MediaKind.ESSAY)
    theme = demo.themes.order_by("position").first()
    page.goto(f"{live_server.url}/en/accounts/login/?next=/en/contests/{SLUG}/entries/new/%3Fcategory%3D{essay.pk}")
    page.locator("input[name=login]").fill(entrant.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.get_by_role("heading", name="New entry").wait_for()
    page.locator("#id_title").fill("The fields of Ban Naxay")
    page.get_by_label(theme.title, exact=True).check()
    page.locator("#id_statement").fill("I wrote about my grandmother's village.")

    counter = page.locator("#id_essay_text_wordcount")
    assert counter.inner_text() == f"0 of at most {essay.max_words} words"
    area = page.locator("#id_essay_text")
    area.fill(MIXED)
    assert counter.inner_text() == f"{word_count(MIXED)} of at most {essay.max_words} words"
    area.fill("")
    area.press_sequentially(OPENING)
    assert counter.inner_text() == f"8 of at most {essay.max_words} words"
    area.press_sequentially(MORE)
    assert counter.inner_text() == f"14 of at most {essay.max_words} words"
    assert word_count(OPENING + MORE) == 14
    assert "id_essay_text_wordcount" in area.get_attribute("aria-describedby")

    for declaration in Declaration:
        page.get_by_label(str(declaration.label)).check()
    assert_accessible(page, "entries-1-form")
    page.get_by_role("button", name="Save draft").click()

    page.get_by_role("heading", name="The fields of Ban Naxay").wait_for()
    assert page.get_by_text("Your draft is saved. It is not submitted yet.").is_visible()
    assert page.get_by_text("Still to do before you can submit").count() == 0
    assert_accessible(page, "entries-2-draft")
    page.get_by_role("button", name="Submit the entry").click()

    page.get_by_role("heading", name="Entry received").wait_for()
    entry = Entry.objects.get(entrant=entrant)
    assert entry.reference == f"CCM-{demo.opens_at.year}-0001"
    assert entry.status == "submitted"
    assert entry.essay_text == OPENING + MORE
    assert page.locator(".reference").inner_text() == f"Your entry reference: {entry.reference}"
    assert_accessible(page, "entries-3-receipt")
