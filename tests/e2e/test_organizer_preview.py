"""The organizers' screening page in Chromium, with the work of every entry: each kind shows and loads, an image
zooms, nothing scrolls sideways on a phone, axe is clean; at 1280 and 360 px, in English and Arabic."""

import pytest

from submissions.enums import Spec
from submissions.models import Rendition
from tests.conftest import assert_accessible
from tests.e2e.test_judging import signed_in
from tests.judging.factories import jury
from tests.judging.test_organizer_preview import CAPTIONS, ESSAY, with_pdf, with_release_form
from tests.judging.works import with_audio, with_image, with_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def screening(transactional_db):
    j = jury(entries=5, judges=2, k=1, blind=True)
    video, image, audio, pdf, essay = j.entries
    with_video(video, captions=CAPTIONS)
    # The size the pipeline records for a 720p rendition: the page must fit it to a phone before it loads.
    Rendition.objects.filter(asset__entry=video, spec=Spec.VIDEO).update(width=1280, height=720)
    with_image(image)
    with_audio(audio)
    with_pdf(pdf)
    essay.essay_text = ESSAY
    essay.save()
    with_release_form(image)
    return j


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def loaded_images(page) -> int:
    return page.evaluate(
        "Array.from(document.querySelectorAll('.entry-work img')).filter(i => i.complete && i.naturalWidth > 0)"
        ".length"
    )


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 360), ("ar", 360), ("ar", 1280)])
def test_the_screening_page_shows_each_work_and_stays_accessible(page, live_server, screening, language, width):
    j = screening
    page.set_viewport_size({"width": width, "height": 900})
    signed_in(page, live_server, j.organizer)
    page.goto(f"{live_server.url}/{language}/judging/manage/{j.contest.slug}/screening/")
    page.locator(".entry-work").first.wait_for()
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator(".entry-work video").count() == 1
    assert page.locator(".entry-work video track").count() == 1
    assert page.locator(".entry-work audio").count() == 1
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.entry-work img')).every(i => i.complete)", timeout=15_000
    )
    assert loaded_images(page) == 3  # the image, the waveform and the PDF's first page, none broken
    assert page.get_by_text(ESSAY.split(" ")[0], exact=False).count() >= 1
    # The image zooms, and says so to a screen reader.
    toggle = page.locator("[data-zoom-toggle]").first
    toggle.scroll_into_view_if_needed()
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    page.locator("details.entry-work__text summary").first.click()
    assert no_sideways_scroll(page)
    assert_accessible(page, f"organizer-screening-previews-{language}-{width}")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_screening_page_fits_a_phone_when_the_pictures_fail_to_arrive(page, live_server, screening, language):
    """A picture that fails (the storage is away) is laid out at the size the page gives, a 720p video or a
    1600 px photo: the column must not grow to it and push the page wider than the phone."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.route("**/work/**", lambda route: route.fulfill(status=404))
    signed_in(page, live_server, screening.organizer)
    page.goto(f"{live_server.url}/{language}/judging/manage/{screening.contest.slug}/screening/")
    page.locator(".entry-work video").wait_for()
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")


def test_the_preview_page_of_a_video_in_arabic_on_a_phone(phone_page, live_server, screening):
    page = phone_page
    video = screening.entries[0]
    signed_in(page, live_server, screening.organizer)
    page.goto(f"{live_server.url}/ar/judging/manage/entries/{video.pk}/")
    page.locator(".entry-work video").wait_for()
    captions = page.evaluate(
        "fetch(document.querySelector('track').src).then(r => r.status + ' ' + r.headers.get('content-type'))"
    )
    assert captions.startswith("200 text/vtt")
    assert no_sideways_scroll(page)
    assert_accessible(page, "organizer-preview-video-ar-360")
