"""Registering for a contest through the real pages: acceptance, the decision and its reasons, a guardian's consent."""

import re
import time
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail, signing
from django.utils import timezone

from accounts.services import update_profile
from contest import registration as registrations
from contest.eligibility import local_date
from contest.enums import ContestStatus
from contest.models import EligibilityCheck, GuardianConsent, Registration
from tests.factories import ContestFactory, EntrantFactory, years_before
from tests.pages import error_beside, text

pytestmark = pytest.mark.django_db

TICKED = {"accept_rules": "on", "accept_privacy": "on", "accept_processing": "on"}


def register_url(contest, language="en"):
    return f"/{language}/contests/{contest.slug}/register/"


def registration_url(contest, language="en"):
    return f"/{language}/contests/{contest.slug}/registration/"


def closing_day(contest):
    return local_date(contest.closes_at, contest.time_zone)


def next_first_of_july():
    """A closing day in the future whose English date has no abbreviated month: 1 July next year."""
    return datetime(timezone.localdate().year + 1, 7, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich"))


# --- Registering ---------------------------------------------------------
def test_an_eligible_person_registers_and_is_told_they_can_take_part(client):
    contest = ContestFactory(rules_version=3, eligible_countries=["MX", "LB"])
    person = EntrantFactory(date_of_birth=years_before(closing_day(contest), 22), country="MX")
    client.force_login(person)
    before = timezone.now()

    response = client.post(register_url(contest), TICKED)

    assert response.status_code == 302
    assert response["Location"] == registration_url(contest)
    registration = Registration.objects.get(contest=contest, user=person)
    assert registration.status == "eligible"
    assert registration.rules_version == 3
    for accepted in (
        registration.accepted_rules_at,
        registration.accepted_privacy_at,
        registration.accepted_processing_at,
    ):
        assert before <= accepted <= timezone.now()
    (check,) = registration.checks.all()
    assert check.birth_date == person.date_of_birth
    assert check.country == "MX"
    assert check.rule == {
        "min_age": 18,
        "max_age": 29,
        "reference": "closing",
        "closes_on": closing_day(contest).isoformat(),
        "fixed_on": None,
        "countries": ["LB", "MX"],
        "guardian_below_age": None,
    }
    assert check.reference_day == closing_day(contest)
    assert check.age == 22
    assert check.eligible
    assert "You can take part" in text(client.get(registration_url(contest)))


@pytest.mark.parametrize(
    ("unticked", "message"),
    [
        pytest.param(
            "accept_rules", "Tick this box to accept the rules: you cannot register without them.", id="rules"
        ),
        pytest.param("accept_privacy", "Tick this box to confirm you have read the privacy notice.", id="privacy"),
        pytest.param(
            "accept_processing", "Tick this box: the contest cannot be run without using your data.", id="processing"
        ),
    ],
)
def test_each_unticked_box_is_refused_with_its_own_message(client, unticked, message):
    contest = ContestFactory()
    client.force_login(EntrantFactory())
    answers = {name: value for name, value in TICKED.items() if name != unticked}

    response = client.post(register_url(contest), answers)

    assert response.status_code == 400
    assert error_beside(response, unticked) == message
    assert "Register for the contest" in text(response)
    for other in set(TICKED) - {unticked}:
        assert f'id="id_{other}_error"' not in response.content.decode()
    assert not Registration.objects.exists()
    assert not EligibilityCheck.objects.exists()


def test_someone_30_on_the_closing_day_reads_exactly_why_before_any_box_to_tick(client):
    closes = next_first_of_july()
    contest = ContestFactory(closes_at=closes)
    client.force_login(EntrantFactory(date_of_birth=years_before(closes.date(), 30)))

    response = client.get(register_url(contest))

    page = text(response)
    assert response.status_code == 403
    assert "You cannot take part in this contest" in page
    assert f"Entrants must be 18–29 on July 1, {closes.year}. On that date you will be 30." in page
    assert "Correct my profile" in page and 'href="/en/profile/?next=' in response.content.decode()
    assert 'name="accept_rules"' not in response.content.decode()
    # Sending the boxes anyway registers nothing: the same refusal.
    sent = client.post(register_url(contest), TICKED)
    assert sent.status_code == 403 and not Registration.objects.exists()


def test_the_reason_follows_the_language_of_the_page(client):
    closes = next_first_of_july()
    contest = ContestFactory(closes_at=closes)
    client.force_login(EntrantFactory(date_of_birth=years_before(closes.date(), 30)))

    page = text(client.get(register_url(contest, "es")))

    assert f"1 de julio de {closes.year}" in page
    assert "Entrants must be" not in page
    assert "On that date you will be" not in page


def test_a_registered_entrant_who_turns_out_too_old_still_reads_why_on_their_registration(client):
    closes = next_first_of_july()
    contest = ContestFactory(closes_at=closes)
    person = EntrantFactory(date_of_birth=years_before(closes.date(), 30))
    registrations.register(contest=contest, user=person, now=timezone.now())
    client.force_login(person)

    page = text(client.get(registration_url(contest)))
    assert "You cannot take part in this contest" in page
    assert "On that date you will be 30." in page
    assert Registration.objects.get().status == "ineligible"


def test_someone_without_a_date_of_birth_is_sent_to_their_profile_first(client):
    contest = ContestFactory()
    client.force_login(EntrantFactory(date_of_birth=None))

    response = client.get(register_url(contest))

    assert response.status_code == 302
    assert response["Location"] == f"/en/profile/?next={register_url(contest)}"


def test_a_draft_contest_cannot_be_registered_for(client):
    contest = ContestFactory(status=ContestStatus.DRAFT)
    client.force_login(EntrantFactory())
    assert client.get(register_url(contest)).status_code == 404
    assert client.post(register_url(contest), TICKED).status_code == 404
    assert not Registration.objects.exists()


def test_a_closed_contest_sends_people_back_with_a_message(client):
    now = timezone.now()
    contest = ContestFactory(
        status=ContestStatus.CLOSED, opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1)
    )
    client.force_login(EntrantFactory())

    response = client.post(register_url(contest), TICKED)

    assert response.status_code == 302
    assert response["Location"] == f"/en/contests/{contest.slug}/"
    assert "The deadline has passed: entries closed on" in text(client.get(response["Location"]))
    assert not Registration.objects.exists()


def profile_answers(person, **changes):
    answers = {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "country": str(person.country),
        "preferred_language": "en",
    }
    return {**answers, **changes}


def test_changing_the_date_of_birth_in_the_profile_takes_the_decision_again(client):
    contest = ContestFactory()
    person = EntrantFactory(date_of_birth=years_before(closing_day(contest), 22))
    client.force_login(person)
    client.post(register_url(contest), TICKED)
    assert Registration.objects.get().status == "eligible"

    thirty = years_before(closing_day(contest), 30)
    response = client.post("/en/profile/", profile_answers(person, date_of_birth=thirty.isoformat()))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == "ineligible"
    latest = registration.checks.latest()
    assert (latest.reason, latest.birth_date, latest.age) == ("profile changed", thirty, 30)
    assert registration.checks.count() == 2


def test_the_profile_service_takes_the_decision_again_when_the_date_of_birth_changes():
    contest = ContestFactory()
    person = EntrantFactory(date_of_birth=years_before(closing_day(contest), 30))
    registrations.register(contest=contest, user=person, now=timezone.now())
    assert Registration.objects.get().status == "ineligible"

    update_profile(user=person, data={"date_of_birth": years_before(closing_day(contest), 25)}, now=timezone.now())

    registration = Registration.objects.get()
    assert registration.status == "eligible"
    assert [check.reason for check in registration.checks.order_by("pk")] == ["registered", "profile changed"]


# --- Whose registration --------------------------------------------------
def test_the_registration_page_only_ever_shows_your_own(client):
    contest = ContestFactory()
    first = EntrantFactory(full_name="Itzel Xochitl Ramírez")
    registrations.register(contest=contest, user=first, now=timezone.now())
    client.force_login(EntrantFactory(full_name="Karim Haddad"))

    response = client.get(registration_url(contest))

    assert response.status_code == 302
    assert response["Location"] == register_url(contest)
    followed = text(client.get(response["Location"]))
    assert "Itzel" not in followed
    assert first.email not in followed


# --- A guardian's consent ------------------------------------------------
def young_contest():
    return ContestFactory(
        min_age=13, max_age=17, guardian_consent_below_age=18, rules_text="Every entry must be original work."
    )


def fifteen_year_old(**fields):
    # 15 today and still 15 when the contest closes 30 days from now.
    return EntrantFactory(date_of_birth=years_before(timezone.localdate() - timedelta(days=60), 15), **fields)


@pytest.fixture
def awaiting_consent():
    """A 15-year-old's registration, and the consent asked of their mother."""
    entrant = fifteen_year_old(full_name="Lucía Fernanda Ortega")
    registration = registrations.register(contest=young_contest(), user=entrant, now=timezone.now())
    return registrations.request_guardian_consent(
        registration=registration, guardian_email="mother@family.example", now=timezone.now()
    )


def guardian_link(token):
    return f"/en/guardian/{token}/"


@pytest.mark.django_db(transaction=True)
def test_a_young_entrant_asks_a_guardian_who_receives_a_working_link(client):
    contest = young_contest()
    entrant = fifteen_year_old(full_name="Lucía Fernanda Ortega")
    client.force_login(entrant)
    client.post(register_url(contest), TICKED)
    assert Registration.objects.get().status == "awaiting_guardian"

    response = client.post(registration_url(contest), {"guardian_email": "mother@family.example"})

    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["mother@family.example"]
    (token,) = re.findall(re.escape(settings.SITE_URL) + r"/en/guardian/([^/\s]+)/", email.body)
    guardian = client.__class__()
    page = text(guardian.get(guardian_link(token)))
    assert "Lucía Fernanda Ortega wants to take part" in page
    assert "Every entry must be original work." in page
    assert "I consent" in page


def test_a_guardians_consent_makes_the_entrant_eligible_and_is_recorded(client, awaiting_consent):
    response = client.post(
        guardian_link(registrations.guardian_token(awaiting_consent)),
        {"answer": "consent"},
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 200
    assert "You have consented: Lucía Fernanda Ortega can now send entries." in text(response)
    awaiting_consent.refresh_from_db()
    assert awaiting_consent.decision == "consented"
    assert awaiting_consent.decided_at is not None
    assert awaiting_consent.decided_from_ip == "203.0.113.7"


def test_behind_the_proxy_the_consent_records_the_guardians_address_not_the_proxys(client, awaiting_consent, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(
        guardian_link(registrations.guardian_token(awaiting_consent)),
        {"answer": "consent"},
        REMOTE_ADDR="127.0.0.1",
        # What the guardian's browser claimed, then the address nginx saw and appended.
        HTTP_X_FORWARDED_FOR="10.9.8.7, 198.51.100.23",
    )

    awaiting_consent.refresh_from_db()
    assert awaiting_consent.decided_from_ip == "198.51.100.23"
    assert Registration.objects.get().status == "eligible"


def test_a_guardians_refusal_keeps_the_entrant_out(client, awaiting_consent):
    client.post(guardian_link(registrations.guardian_token(awaiting_consent)), {"answer": "refuse"})

    registration = Registration.objects.get()
    assert registration.status == "guardian_refused"
    client.force_login(registration.user)
    assert "Your parent or guardian did not consent" in text(client.get(registration_url(registration.contest)))


def test_a_tampered_link_is_not_found(client, awaiting_consent):
    token = registrations.guardian_token(awaiting_consent)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.post(guardian_link(tampered), {"answer": "consent"})

    assert response.status_code == 404
    assert "This link no longer works" in text(response)
    assert GuardianConsent.objects.get().decision == "pending"


class SignedDaysAgo(signing.TimestampSigner):
    """Signs as if it were `days` days ago: the link a parent finds at the bottom of their inbox."""

    def __init__(self, *, days: int, **kwargs):
        super().__init__(**kwargs)
        self.days = days

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.days * 24 * 60 * 60)


def old_link(consent, days):
    signer = SignedDaysAgo(days=days, salt=registrations.GUARDIAN_LINK_SALT)
    payload = signing.loads(registrations.guardian_token(consent), salt=registrations.GUARDIAN_LINK_SALT)
    return guardian_link(signer.sign_object(payload))


def test_a_link_older_than_two_weeks_no_longer_works(client, awaiting_consent):
    response = client.post(old_link(awaiting_consent, days=15), {"answer": "consent"})

    assert response.status_code == 404
    assert "Consent links last two weeks." in text(response)
    assert Registration.objects.get().status == "awaiting_guardian"


def test_a_link_thirteen_days_old_still_works(client, awaiting_consent):
    assert client.get(old_link(awaiting_consent, days=13)).status_code == 200


def test_entrants_cannot_name_themselves_as_their_guardian(client):
    contest = young_contest()
    entrant = fifteen_year_old(email="lucia@voices.example")
    registrations.register(contest=contest, user=entrant, now=timezone.now())
    client.force_login(entrant)

    response = client.post(registration_url(contest), {"guardian_email": "Lucia@Voices.example"})

    assert response.status_code == 400
    assert error_beside(response, "guardian_email") == (
        "This is your own address. Enter your parent's or guardian's address."
    )
    assert not GuardianConsent.objects.exists()
    assert not mail.outbox


def test_an_adult_who_needs_no_consent_is_not_put_on_hold_by_the_guardian_form(client):
    contest = ContestFactory()
    adult = EntrantFactory()
    registrations.register(contest=contest, user=adult, now=timezone.now())
    client.force_login(adult)

    response = client.post(registration_url(contest), {"guardian_email": "someone@family.example"}, follow=True)

    assert Registration.objects.get().status == "eligible"
    assert "Your registration needs no consent from a parent or guardian." in text(response)
    assert not GuardianConsent.objects.exists()


def test_asking_a_different_guardian_retires_the_first_link(client, awaiting_consent):
    first_link = guardian_link(registrations.guardian_token(awaiting_consent))
    registrations.request_guardian_consent(
        registration=awaiting_consent.registration, guardian_email="father@family.example", now=timezone.now()
    )

    response = client.post(first_link, {"answer": "consent"})

    assert response.status_code == 404
    assert GuardianConsent.objects.get().decision == "pending"


# --- Bad profile input ---------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        pytest.param(
            lambda today: (today + timedelta(days=1)).isoformat(),
            "Your date of birth cannot be in the future. Check the year.",
            id="future",
        ),
        pytest.param(
            lambda today: years_before(today, 121).isoformat(),
            "That date of birth is more than 120 years ago. Check the year.",
            id="121-years-ago",
        ),
        pytest.param(
            lambda today: "31/02/2001",
            "Enter your date of birth as year-month-day, for example 2001-04-23.",
            id="malformed",
        ),
        pytest.param(
            lambda today: "2001-02-29",
            "Enter your date of birth as year-month-day, for example 2001-04-23.",
            id="no-such-day",
        ),
        pytest.param(
            lambda today: "",
            "Enter your date of birth: the contest's age limits depend on it.",
            id="empty",
        ),
    ],
)
def test_a_bad_date_of_birth_is_refused_beside_the_field(client, typed, message):
    person = EntrantFactory()
    kept = person.date_of_birth
    client.force_login(person)

    response = client.post("/en/profile/", profile_answers(person, date_of_birth=typed(timezone.localdate())))

    assert response.status_code == 400
    assert error_beside(response, "date_of_birth") == message
    person.refresh_from_db()
    assert person.date_of_birth == kept


def test_a_missing_full_name_is_asked_for(client):
    person = EntrantFactory(full_name="Amaru Quispe")
    client.force_login(person)

    response = client.post("/en/profile/", profile_answers(person, full_name=""))

    assert response.status_code == 400
    assert error_beside(response, "full_name") == "Enter your full name, as on an identity document."
    person.refresh_from_db()
    assert person.full_name == "Amaru Quispe"


def test_a_guardian_who_sends_neither_answer_is_asked_to_choose(client, awaiting_consent):
    response = client.post(guardian_link(registrations.guardian_token(awaiting_consent)), {"answer": "maybe"})

    assert response.status_code == 400
    assert "Choose one of the two buttons: I consent, or I do not consent." in text(response)
    assert GuardianConsent.objects.get().decision == "pending"


def test_the_guardian_page_asking_to_choose_still_names_the_contest(client, awaiting_consent):
    title = awaiting_consent.registration.contest.title

    response = client.post(guardian_link(registrations.guardian_token(awaiting_consent)), {"answer": "maybe"})

    assert f"Lucía Fernanda Ortega wants to take part in “{title}”" in text(response)
