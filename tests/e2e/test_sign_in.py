"""Signing in on a phone in Arabic when the password fails: the page offers a code by email, reached by keyboard,
and the code signs the person in. Right to left, 360 px wide, and axe finds nothing serious."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from tests.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failed_password_on_an_arabic_phone_offers_a_code_that_signs_the_entrant_in(phone_page, live_server):
    cache.clear()
    person = UserFactory(email="layla@voices.example", preferred_language="ar")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    page = phone_page

    page.goto(f"{live_server.url}/ar/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill("not-my-password")
    page.locator("input[name=password]").press("Enter")

    offer = page.locator("section.result")
    offer.wait_for()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "سجّل الدخول برمز بدلًا من ذلك" in offer.inner_text()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"horizontal scroll: content {widths[0]} px on a {widths[1]} px screen"
    assert_accessible(page, "sign-in-failed-offer-ar-360px")

    button = offer.get_by_role("button", name=f"أرسل رمز تسجيل الدخول إلى {person.email}")
    button.focus()
    page.keyboard.press("Enter")
    page.locator("input[name=code]").wait_for()
    assert_accessible(page, "sign-in-code-ar-360px")
    (message,) = mail.outbox
    (code,) = re.findall(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=code]").press("Enter")

    page.wait_for_url(lambda url: "/accounts/login" not in url)
    assert page.get_by_role("button", name="تسجيل الخروج").count() + page.locator("form[action*=logout]").count() >= 1
