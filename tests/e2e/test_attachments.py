"""In Chromium: an entrant adds a release form and captions to a video entry; a late submission shows her own time."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import SLUG, seed_demo
from submissions import services
from submissions.enums import AttachmentKind
from tests.conftest import assert_accessible, screenshot
from tests.e2e.test_upload import AMIRA, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SRT = "1\n00:00:01,000 --> 00:00:03,500\nLes champs de ma grand-mère.\n"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def demo(transactional_db) -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.mark.parametrize(("browser_page", "width"), [("phone_page", 360), ("page", 1280)])
def test_an_entrant_adds_a_release_form_and_captions_then_removes_the_form(
    request, live_server, demo, browser_page, width, tmp_path
):
    page = request.getfixturevalue(browser_page)
    entry = services.create_entry(
        contest=demo,
        entrant=User.objects.get(email=AMIRA),
        data={
            "theme": demo.themes.first(),
            "category": demo.categories.get(media_kind=MediaKind.VIDEO),
            "title": "The fields of Ban Naxay",
        },
        declarations=set(),
        now=timezone.now(),
    )
    form = tmp_path / "consent-leila.pdf"
    form.write_bytes(PDF)
    captions = tmp_path / "ban-naxay.fr.srt"
    captions.write_text(SRT)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/en/entries/{entry.reference}/")

    page.get_by_label("Signed release form (PDF").set_input_files(str(form))
    page.get_by_role("button", name="Add the release form").click()
    page.get_by_text("The file is added to your entry.").wait_for()
    assert page.get_by_role("link", name="consent-leila.pdf").is_visible()

    page.get_by_label("Language of the captions").select_option("fr")
    page.get_by_label("Caption file").set_input_files(str(captions))
    page.get_by_role("button", name="Add the captions").click()
    page.get_by_text("The file is added to your entry.").wait_for()
    assert page.get_by_role("link", name="Captions (French)").is_visible()
    assert entry.attachments.filter(kind=AttachmentKind.CAPTION, language="fr").exists()

    # A wrong file gets a message saying what to send instead, next to the form.
    page.get_by_label("Signed release form (PDF").set_input_files(str(captions))
    page.get_by_role("button", name="Add the release form").click()
    page.get_by_text("A release form must be a PDF, JPG or PNG file").wait_for()

    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert_accessible(page, f"attachments-{width}px")

    page.get_by_role("button", name="Remove consent-leila.pdf").click()
    page.get_by_text("The file is removed.").wait_for()
    assert not entry.attachments.filter(kind=AttachmentKind.RELEASE_FORM).exists()
    screenshot(page, f"attachments-removed-{width}px")


def test_a_late_submission_is_refused_with_the_deadline_in_the_viewers_own_time_zone(browser, live_server, demo):
    """The contest closes in Zurich; Amira's browser is in Amman. The refusal's page shows her local time too."""
    closes = timezone.now() - timedelta(minutes=5)
    Contest.objects.filter(pk=demo.pk).update(closes_at=closes)
    demo.refresh_from_db()
    entry = services.create_entry(
        contest=demo,
        entrant=User.objects.get(email=AMIRA),
        data={
            "theme": demo.themes.first(),
            "category": demo.categories.get(media_kind=MediaKind.VIDEO),
            "title": "The fields of Ban Naxay",
        },
        declarations=set(),
        now=closes - timedelta(days=1),
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Amman", locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/en/entries/{entry.reference}/")
        # The deadline has passed and no upload finished in the grace period: no submit button is offered.
        assert page.get_by_role("button", name="Submit the entry").count() == 0
        # A page left open from before the deadline still posts its form: the server refuses it.
        page.evaluate(
            """(action) => {
              const form = document.createElement('form');
              form.method = 'post';
              form.action = action;
              form.appendChild(document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode());
              document.body.appendChild(form);
              form.submit();
            }""",
            f"/en/entries/{entry.reference}/submit/",
        )
        page.wait_for_load_state()
        page.get_by_text("The deadline has passed: entries closed on").wait_for()
        local = page.locator("[data-local-time]").first
        local.wait_for()
        amman = closes.astimezone(ZoneInfo("Asia/Amman"))
        assert "In your time zone:" in local.inner_text()
        shown = local.inner_text()
        assert f"{amman.strftime('%B')} {amman.day}," in shown and amman.strftime("%I:%M") in shown
        assert "GMT+3" in shown  # Amman's offset, not Zurich's
        assert_accessible(page, "deadline-refused-360px")
    finally:
        context.close()
