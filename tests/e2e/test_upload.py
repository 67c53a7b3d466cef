"""An entrant sends a film from the entry page in Chromium on a slow line, reloads halfway, resumes, and submits."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import DEMO_PASSWORD, SLUG, seed_demo
from submissions import services
from submissions.enums import Declaration, EntryStatus, UploadStatus
from submissions.models import Entry, Upload
from tests.conftest import assert_accessible, screenshot, wait_until
from tests.uploading import make_mp4, png_bytes, sha256

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMIRA = "entrant1@voices.example"
TITLE = "The fields of Ban Naxay"
NOTES = "A walk through the fields my grandmother could not farm for thirty years."
MB = 1024 * 1024
# A 2 MB/s uplink: a 12 MB film takes about six seconds, long enough to be caught halfway.
SLOW_UPLINK = {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 2 * MB}
PROGRESS_BETWEEN_20_AND_80_PERCENT = """() => {
  const bar = document.querySelector('[data-tus-upload] progress');
  return !bar.hidden && bar.max > 100 && bar.value >= 0.2 * bar.max && bar.value <= 0.8 * bar.max;
}"""


@pytest.fixture
def demo(transactional_db) -> Contest:
    cache.clear()  # Sign-in rate limits must not carry over from other tests.
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture(scope="module")
def big_film(tmp_path_factory) -> Path:
    """A real 3-second 720p MP4 of about 12 MB."""
    path = make_mp4(
        tmp_path_factory.mktemp("media") / "ban-naxay.mp4",
        seconds=3,
        size="1280x720",
        bitrate="24M",
        pattern="testsrc2",
    )
    assert 10 * MB <= path.stat().st_size <= 16 * MB, f"the film is {path.stat().st_size} bytes"
    return path


def sign_in(page, live_server, email: str = AMIRA) -> None:
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def ready_entry(contest: Contest, kind: str = MediaKind.VIDEO) -> Entry:
    """A draft with everything but its file, made through the service."""
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=AMIRA),
        data={
            "theme": contest.themes.first(),
            "category": contest.categories.get(media_kind=kind),
            "title": TITLE,
            "statement": NOTES,
        },
        declarations=set(Declaration.values),
        now=timezone.now(),
    )


def test_an_entrant_uploads_a_film_on_a_slow_line_resumes_after_a_reload_and_submits(page, live_server, demo, big_film):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/en/contests/{SLUG}/entries/new/")
    page.get_by_label("Short video", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label(demo.themes.order_by("position").first().title, exact=True).check()
    page.get_by_label("Work notes").fill(NOTES)
    page.get_by_label("I did not use AI tools").check()
    for declaration in Declaration:
        page.get_by_label(str(declaration.label)).check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    entry = Entry.objects.get(entrant__email=AMIRA)
    assert entry.category.media_kind == MediaKind.VIDEO
    todo = page.locator(".todo li")
    assert todo.all_inner_texts() == ["Upload your file (video)."]
    assert page.get_by_text("No file yet.").is_visible()
    assert_accessible(page, "upload-1-entry-page")

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLINK)
    page.set_input_files("#file-input", big_film)
    size = big_film.stat().st_size
    status = page.locator("[data-tus-upload] [data-status]")
    assert status.inner_text().startswith("ban-naxay.mp4, ")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_function(PROGRESS_BETWEEN_20_AND_80_PERCENT, polling=50, timeout=30_000)
    assert page.get_by_role("button", name="Pause").is_visible()
    assert " of " in status.inner_text() and "MB sent" in status.inner_text()
    screenshot(page, "upload-2-halfway")

    page.reload()
    upload = Upload.objects.get(entry=entry)
    kept = wait_until(
        lambda: Upload.objects.get(pk=upload.pk).offset, timeout=15, message="the server to keep the bytes sent"
    )
    assert 0 < kept < size

    patch_offsets = []
    page.on(
        "request",
        lambda request: request.method == "PATCH" and patch_offsets.append(int(request.headers["upload-offset"])),
    )
    page.set_input_files("#file-input", big_film)
    page.get_by_text("Part of this file was sent before: press Upload to send the rest.").wait_for()
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="Download your file").wait_for(timeout=60_000)

    assert patch_offsets and min(patch_offsets) >= kept, f"the upload started over: {patch_offsets}"
    upload.refresh_from_db()
    assert upload.status == UploadStatus.COMPLETE
    assert Upload.objects.filter(entry=entry).count() == 1
    asset = entry.assets.get()
    assert asset.sha256 == sha256(big_film.read_bytes())
    assert page.get_by_text(f"MP4 file, {size / MB:.1f} MB.").is_visible()
    assert page.locator(".todo").count() == 0
    assert page.get_by_text("Upload your file").count() == 0

    page.get_by_role("button", name="Submit the entry").click()
    page.get_by_role("heading", name="Entry received").wait_for()
    assert page.locator(".reference strong").inner_text() == entry.reference
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert_accessible(page, "upload-3-receipt")


@pytest.mark.parametrize(("browser_page", "width"), [("phone_page", 360), ("page", 1280)])
def test_the_upload_widget_fits_a_phone_and_a_desktop(request, live_server, demo, browser_page, width):
    page = request.getfixturevalue(browser_page)
    entry = ready_entry(demo)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/en/entries/{entry.reference}/")

    assert page.get_by_label("Choose your file").get_attribute("accept") == ".mp4,.mov,.webm"
    assert page.get_by_role("button", name="Upload").is_visible()
    rules = page.locator("#file-rules").inner_text().replace("\xa0", " ")
    assert "At most 1.0 GB" in rules and "does not lose what was sent" in rules
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert_accessible(page, f"upload-widget-{width}px")


def test_a_category_without_a_size_limit_takes_any_file(page, live_server, demo, tmp_path):
    demo.categories.filter(media_kind=MediaKind.PHOTO).update(max_size_bytes=None)
    entry = ready_entry(demo, MediaKind.PHOTO)
    photo = tmp_path / "fields.png"
    photo.write_bytes(png_bytes(200_000))
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/en/entries/{entry.reference}/")

    page.set_input_files("#file-input", photo)
    page.get_by_role("button", name="Upload").click()

    refused = page.get_by_text("This file is larger than the category allows.")
    page.get_by_role("link", name="Download your file").or_(refused).wait_for(timeout=10_000)
    assert not refused.is_visible()
    assert entry.assets.get().sha256 == sha256(photo.read_bytes())


def test_pause_and_resume_show_only_the_buttons_that_apply(page, live_server, demo, big_film):
    """Pause only while sending, Upload only while not: a second press must not start a second upload."""
    entry = ready_entry(demo)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/en/entries/{entry.reference}/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLINK)
    upload_button = page.get_by_role("button", name="Upload")
    status = page.locator("[data-tus-upload] [data-status]")

    assert not page.get_by_role("button", name="Pause").is_visible(), "Pause shows while nothing is being sent"
    page.set_input_files("#file-input", big_film)
    upload_button.click()
    page.wait_for_function(PROGRESS_BETWEEN_20_AND_80_PERCENT, polling=50, timeout=30_000)
    assert not upload_button.is_visible(), "Upload shows while the file is being sent"

    page.get_by_role("button", name="Pause").click()
    assert status.inner_text() == "Paused. Press Resume to carry on from where it stopped."
    paused_at = wait_until(
        lambda: Upload.objects.get(entry=entry).offset, timeout=15, message="the server to keep the bytes sent"
    )
    page.wait_for_timeout(1500)
    assert Upload.objects.get(entry=entry).offset == paused_at, "bytes kept arriving after Pause"
    assert not upload_button.is_visible()

    page.get_by_role("button", name="Resume").click()
    page.get_by_role("link", name="Download your file").wait_for(timeout=60_000)
    assert Upload.objects.filter(entry=entry).count() == 1
    assert entry.assets.get().sha256 == sha256(big_film.read_bytes())
