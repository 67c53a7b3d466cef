"""The refusal pages in Chromium: a damaged address (400) and a missing page (404), in Arabic on a 360 px phone
and in French on a desktop; they fit the screen and pass axe."""

import pytest
from django.test import Client

from tests.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_404_and_400_pages_fit_a_phone_and_pass_axe(phone_page, page, live_server, language):
    from tests.judging.factories import jury

    made = jury(entries=1, judges=1, k=1)
    viewer = phone_page if language == "ar" else page
    viewer.goto(f"{live_server.url}/{language}/nowhere/")
    assert viewer.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    widths = viewer.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    assert_accessible(viewer, f"404-{language}")
    # Signed in as a judge, a mangled "after" in the queue's address.
    client = Client()
    client.force_login(made.judges[0])
    viewer.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                 "url": live_server.url}])
    response = viewer.goto(f"{live_server.url}/{language}/judging/rounds/{made.round.pk}/?after=%C2%B2")
    assert response.status == 400
    assert "after" in viewer.locator("main").inner_text()
    assert_accessible(viewer, f"400-{language}")
