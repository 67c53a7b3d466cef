"""In Chromium: the entry page follows its file's processing without a reload, and shows the web image when ready."""

import pytest
from playwright.sync_api import expect

from demo.seed import DEMO_PASSWORD
from submissions.media import jobs
from tests.conftest import assert_accessible, wait_until

from .processing_helpers import AMIRA, demo_contest, draft, photo_with_location, stored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.locator("input[name=login]").fill(AMIRA)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_entry_page_shows_processing_then_the_photo_without_reloading(
    browser, live_server, celery_worker, transactional_db, width
):
    entry = draft(demo_contest())
    asset = stored(entry, photo_with_location(), "jpg")  # stored, its jobs not started yet
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/en/entries/{entry.reference}/")
        label = page.locator("[data-processing-label]")
        assert label.inner_text() == "Waiting to be processed"
        page.evaluate("window.notReloaded = true")
        assert_accessible(page, f"entry-file-waiting-{width}")

        jobs.start_processing(asset_id=asset.pk)

        expect(label).to_have_text("Ready", timeout=120_000)
        image = page.locator("[data-processing-preview] img")
        image.wait_for()
        assert page.evaluate("window.notReloaded") is True
        assert image.get_attribute("alt") == entry.title
        loaded = wait_until(
            lambda: page.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle()),
            timeout=15,
            message="the web image to load",
        )
        assert loaded == 1600
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert "Checking the file: Done" in page.locator("[data-processing-steps]").inner_text()
        assert_accessible(page, f"entry-file-ready-{width}")
    finally:
        context.close()
