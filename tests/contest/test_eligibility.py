"""The eligibility rule on its own: ages, reference days, reasons, time zones, countries, guardians."""

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from contest.eligibility import Rule, age_on, birth_date_problems, decide, local_date

MEXICO_CITY = zoneinfo.ZoneInfo("America/Mexico_City")
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        pytest.param(date(2006, 7, 2), date(2024, 7, 1), 17, id="day-before-18th-birthday"),
        pytest.param(date(2006, 7, 1), date(2024, 7, 1), 18, id="18th-birthday"),
        pytest.param(date(1994, 7, 2), date(2024, 7, 1), 29, id="day-before-30th-birthday"),
        pytest.param(date(1994, 7, 1), date(2024, 7, 1), 30, id="30th-birthday"),
        pytest.param(date(2004, 2, 29), date(2022, 2, 28), 17, id="leapling-28-feb-common-year"),
        pytest.param(date(2004, 2, 29), date(2022, 3, 1), 18, id="leapling-1-mar-common-year"),
        pytest.param(date(2004, 2, 29), date(2024, 2, 29), 20, id="leapling-on-29-feb"),
        pytest.param(date(2004, 2, 29), date(2024, 2, 28), 19, id="leapling-28-feb-leap-year"),
    ],
)
def test_age_counts_whole_years(birth, day, age):
    assert age_on(birth, day) == age


# The day the age counts on is 1 July 2024 in every mode below.
ON = date(2024, 7, 1)
EARLIER = date(2024, 1, 15)


def rule_counting_on(mode: str) -> tuple[Rule, date]:
    """An 18–29 rule whose age counts on ON in `mode`, and the `today` that makes it so."""
    if mode in ("registration", "submission"):
        return Rule(min_age=18, max_age=29, reference=mode, closes_on=date(2024, 12, 31)), ON
    if mode == "closing":
        return Rule(min_age=18, max_age=29, reference=mode, closes_on=ON), EARLIER
    return Rule(min_age=18, max_age=29, reference=mode, closes_on=date(2024, 12, 31), fixed_on=ON), EARLIER


@pytest.mark.parametrize("mode", ["registration", "submission", "closing", "fixed"])
@pytest.mark.parametrize(
    ("birth", "eligible"),
    [
        pytest.param(date(2006, 7, 1), True, id="18th-birthday"),
        pytest.param(date(1994, 7, 2), True, id="day-before-30th"),
        pytest.param(date(2006, 7, 2), False, id="day-before-18th"),
        pytest.param(date(1994, 7, 1), False, id="30th-birthday"),
    ],
)
def test_the_age_limits_are_inclusive_on_the_reference_day(mode, birth, eligible):
    rule, today = rule_counting_on(mode)
    decision = decide(rule, birth_date=birth, country="MX", today=today)
    assert decision.reference_day == ON
    assert decision.eligible is eligible
    assert bool(decision.reasons) is not eligible


def test_the_reference_mode_changes_the_answer():
    # Turns 30 on 1 March 2024: 29 when registering in January, 30 when the contest closes in July.
    born = date(1994, 3, 1)
    today = date(2024, 1, 15)
    by_registration = Rule(min_age=18, max_age=29, reference="registration", closes_on=ON)
    by_closing = Rule(min_age=18, max_age=29, reference="closing", closes_on=ON)

    assert decide(by_registration, birth_date=born, country="MX", today=today).eligible
    assert not decide(by_closing, birth_date=born, country="MX", today=today).eligible


@pytest.mark.parametrize(
    ("today", "tail"),
    [
        pytest.param(date(2024, 1, 1), "On that date you will be 30.", id="future-reference-day"),
        pytest.param(date(2024, 8, 1), "On that date you were 30.", id="past-reference-day"),
        pytest.param(date(2024, 7, 1), "Today you are 30.", id="reference-day-is-today"),
    ],
)
def test_the_reason_names_the_limits_the_day_and_the_age_in_the_right_tense(today, tail):
    rule = Rule(min_age=18, max_age=29, reference="fixed", fixed_on=date(2024, 7, 1))
    with translation.override("en"):
        decision = decide(rule, birth_date=date(1994, 6, 15), country="MX", today=today)
    assert decision.reasons == (f"Entrants must be 18–29 on July 1, 2024. {tail}",)


def test_the_reason_is_written_in_the_active_language():
    rule = Rule(min_age=18, max_age=29, reference="fixed", fixed_on=date(2024, 7, 1))
    with translation.override("en"):
        (english,) = decide(rule, birth_date=date(1994, 6, 15), country="MX", today=date(2024, 1, 1)).reasons
    with translation.override("es"):
        (spanish,) = decide(rule, birth_date=date(1994, 6, 15), country="MX", today=date(2024, 1, 1)).reasons

    assert spanish != english
    assert "30" in spanish and "2024" in spanish
    assert "julio" in spanish
    # The sentence itself is translated, not only the date inside it.
    assert "Entrants must be" not in spanish
    assert "On that date" not in spanish


@pytest.mark.parametrize(
    ("deadline", "zone", "utc_day", "local_day"),
    [
        pytest.param(
            datetime(2024, 7, 1, 23, 59, tzinfo=MEXICO_CITY),
            "America/Mexico_City",
            date(2024, 7, 2),
            date(2024, 7, 1),
            id="late-evening-west-of-utc",
        ),
        pytest.param(
            datetime(2024, 7, 1, 0, 30, tzinfo=AUCKLAND),
            "Pacific/Auckland",
            date(2024, 6, 30),
            date(2024, 7, 1),
            id="just-after-midnight-east-of-utc",
        ),
    ],
)
def test_a_deadline_stays_on_its_own_local_day(deadline, zone, utc_day, local_day):
    in_utc = deadline.astimezone(UTC)
    assert in_utc.date() == utc_day
    # Stored and compared as UTC, as the database does.
    assert local_date(in_utc, zone) == local_day


def test_the_mexico_city_deadline_is_exactly_six_hours_ahead_in_utc():
    deadline = datetime(2024, 7, 1, 23, 59, tzinfo=MEXICO_CITY)
    assert deadline.astimezone(UTC) == datetime(2024, 7, 2, 5, 59, tzinfo=UTC)


def test_an_entrant_turning_30_the_day_after_a_late_local_deadline_is_still_eligible():
    deadline = datetime(2024, 7, 1, 23, 59, tzinfo=MEXICO_CITY).astimezone(UTC)
    born = date(1994, 7, 2)  # 30 on 2 July, which the deadline already is in UTC.
    by_local_day = Rule(min_age=18, max_age=29, closes_on=local_date(deadline, "America/Mexico_City"))
    by_utc_day = Rule(min_age=18, max_age=29, closes_on=deadline.date())

    assert decide(by_local_day, birth_date=born, country="MX", today=date(2024, 3, 1)).eligible
    assert not decide(by_utc_day, birth_date=born, country="MX", today=date(2024, 3, 1)).eligible


TODAY = date(2024, 7, 1)


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        pytest.param(date(2024, 7, 2), "Your date of birth cannot be in the future. Check the year.", id="future"),
        pytest.param(
            date(1903, 7, 1), "That date of birth is more than 120 years ago. Check the year.", id="121-years"
        ),
        pytest.param(None, "Enter your date of birth, for example 2001-04-23.", id="missing"),
    ],
)
def test_an_implausible_birth_date_gets_a_message_to_act_on(birth, message):
    with translation.override("en"):
        assert birth_date_problems(birth, today=TODAY) == [message]


@pytest.mark.parametrize(
    "birth",
    [
        pytest.param(date(2001, 4, 23), id="ordinary"),
        pytest.param(date(1904, 7, 1), id="exactly-120"),
        pytest.param(TODAY, id="born-today"),
    ],
)
def test_a_plausible_birth_date_has_no_problem(birth):
    assert birth_date_problems(birth, today=TODAY) == []


def test_an_implausible_birth_date_makes_the_person_ineligible_with_that_message():
    with translation.override("en"):
        decision = decide(Rule(min_age=18, max_age=29), birth_date=None, country="MX", today=TODAY)
    assert not decision.eligible
    assert decision.reasons == ("Enter your date of birth, for example 2001-04-23.",)


ADULT = date(2000, 1, 1)
LATIN_AMERICA_AND_LEBANON = Rule(min_age=18, max_age=29, countries=frozenset({"MX", "LB"}))


@pytest.mark.parametrize(
    ("country", "eligible", "reasons"),
    [
        pytest.param("MX", True, (), id="listed-country"),
        pytest.param("LB", True, (), id="other-listed-country"),
        pytest.param(
            "FR",
            False,
            ("This contest is open only to people living in the countries its rules list.",),
            id="unlisted-country",
        ),
        pytest.param(
            "",
            False,
            ("Tell us the country you live in: this contest is open only to some countries.",),
            id="empty-country",
        ),
        pytest.param(
            None,
            False,
            ("Tell us the country you live in: this contest is open only to some countries.",),
            id="no-country",
        ),
    ],
)
def test_a_contest_limited_to_some_countries(country, eligible, reasons):
    with translation.override("en"):
        decision = decide(LATIN_AMERICA_AND_LEBANON, birth_date=ADULT, country=country, today=TODAY)
    assert decision.eligible is eligible
    assert decision.reasons == reasons


def test_a_contest_open_to_every_country_needs_none():
    decision = decide(Rule(min_age=18, max_age=29), birth_date=ADULT, country=None, today=TODAY)
    assert decision.eligible


def test_every_reason_is_given_not_just_the_first():
    with translation.override("en"):
        decision = decide(LATIN_AMERICA_AND_LEBANON, birth_date=date(2010, 1, 1), country="FR", today=TODAY)
    assert len(decision.reasons) == 2
    assert decision.reasons[0].startswith("Entrants must be 18–29 on")
    assert decision.reasons[1] == "This contest is open only to people living in the countries its rules list."


@pytest.mark.parametrize(
    ("rule", "birth", "needs_guardian"),
    [
        pytest.param(Rule(min_age=13, max_age=17, guardian_below_age=18), date(2009, 1, 1), True, id="15-in-13-to-17"),
        pytest.param(Rule(min_age=9, max_age=25, guardian_below_age=18), date(2006, 1, 1), False, id="18-in-9-to-25"),
        pytest.param(
            Rule(min_age=9, max_age=25, guardian_below_age=18), date(2006, 7, 2), True, id="17-the-day-before-18"
        ),
        pytest.param(Rule(min_age=13, max_age=17), date(2009, 1, 1), False, id="no-guardian-rule"),
    ],
)
def test_a_guardian_is_needed_below_the_contests_age(rule, birth, needs_guardian):
    decision = decide(rule, birth_date=birth, country="MX", today=TODAY)
    assert decision.eligible
    assert decision.needs_guardian is needs_guardian
