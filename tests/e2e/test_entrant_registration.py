"""A new entrant in Chromium: sign up, verify by the emailed link, complete the profile, register."""

import re
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.eligibility import local_date
from contest.models import Contest, Registration
from demo.seed import SLUG, seed_demo
from tests.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    cache.clear()  # Sign-up rate limits must not carry over from other tests.
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


def test_a_new_person_signs_up_verifies_and_registers_as_eligible(page, live_server, demo):
    page.goto(f"{live_server.url}/en/contests/{SLUG}/")
    page.get_by_role("link", name="Enter the contest").click()
    assert_accessible(page, "entrant-1-signup")
    page.locator("input[name=email]").fill("layla@voices.example")
    page.locator("input[name=password1]").fill("cluster-free-future-2026")
    page.locator("input[name=password2]").fill("cluster-free-future-2026")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    assert_accessible(page, "entrant-2-verification-sent")

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["layla@voices.example"]
    link = re.search(r"https?://\S+/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    assert_accessible(page, "entrant-3-confirm-email")
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Your profile").wait_for()
    page.get_by_label("Full name").fill("Layla Haddad")
    page.get_by_label("Date of birth").fill("2004-02-29")
    page.get_by_label("Country of residence").select_option("LB")
    assert_accessible(page, "entrant-4-profile")
    page.get_by_role("button", name="Save my profile").click()

    # The contest's registration page was where they set out for: they land on it.
    page.get_by_role("heading", name="Register for the contest").wait_for()
    assert page.get_by_text("Your profile is saved.").is_visible()
    assert_accessible(page, "entrant-5-register")
    page.get_by_label("I have read the rules above and accept them.").check()
    page.get_by_label("I have read the privacy notice.").check()
    page.get_by_label("I agree that the organizers keep and use my data").check()
    page.get_by_role("button", name="Register").click()

    page.get_by_role("heading", name="You can take part").wait_for()
    assert_accessible(page, "entrant-6-eligible")
    registration = Registration.objects.get(user__email="layla@voices.example")
    assert registration.status == "eligible"
    assert registration.rules_version == demo.rules_version


def test_a_thirty_year_old_learns_why_in_spanish(page, live_server, demo):
    closes_on = local_date(demo.closes_at, demo.time_zone)
    born = date(closes_on.year - 30, closes_on.month, min(closes_on.day, 28))
    user = User.objects.create_user(
        email="tomas@voices.example",
        password="a-long-test-password",
        full_name="Tomás Ruiz",
        date_of_birth=born,
        country="AR",
        preferred_language="es",
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page.goto(f"{live_server.url}/es/accounts/login/?next=/es/contests/{SLUG}/register/")
    page.locator("input[name=login]").fill("tomas@voices.example")
    page.locator("input[name=password]").fill("a-long-test-password")
    page.locator("main form button[type=submit]").click()

    # Told before the rules and the three consents: no box to tick, the reason and the way to correct it.
    page.locator(".result--no").wait_for()
    assert page.locator("input[name=accept_rules]").count() == 0
    reason = page.locator(".result--no p").first.inner_text()
    assert "30" in reason and str(closes_on.year) in reason
    assert page.get_by_role("link", name="Corregir mi perfil").is_visible()
    assert "Entrants must be" not in reason, "the reason should be in Spanish"
    assert page.locator("html").get_attribute("lang") == "es"
    assert_accessible(page, "entrant-30-years-old-es")
