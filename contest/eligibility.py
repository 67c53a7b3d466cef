"""Who may enter a contest: pure functions of a birth date, a country, the contest's rule and a day.

Nothing here touches the database, so the rule can be read and tested alone.
Reasons are sentences in the active language, with the dates spelled out.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

# The age and the sanity of a birth date belong to the person's profile, below every contest.
from accounts.birth_dates import age_on, birth_date_problems

# How the contest picks the day on which an entrant's age counts.
REFERENCE_REGISTRATION = "registration"
REFERENCE_SUBMISSION = "submission"
REFERENCE_CLOSING = "closing"
REFERENCE_FIXED = "fixed"


def local_date(moment: datetime, time_zone: str) -> date:
    """The calendar day `moment` falls on in `time_zone` (a deadline at 23:59 stays on its own day)."""
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


@dataclass(frozen=True)
class Rule:
    """A contest's eligibility rule, as plain values."""

    min_age: int | None = None
    max_age: int | None = None
    reference: str = REFERENCE_CLOSING
    closes_on: date | None = None
    fixed_on: date | None = None
    countries: frozenset[str] = field(default_factory=frozenset)
    guardian_below_age: int | None = None

    def reference_day(self, *, today: date) -> date:
        """The day the age is taken on. Registration and submission count from `today`."""
        if self.reference == REFERENCE_FIXED and self.fixed_on:
            return self.fixed_on
        if self.reference == REFERENCE_CLOSING and self.closes_on:
            return self.closes_on
        return today


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: tuple[str, ...]
    reference_day: date
    age: int | None
    needs_guardian: bool = False


def _age_range(rule: Rule) -> str:
    if rule.min_age is not None and rule.max_age is not None:
        return _("%(min)s–%(max)s") % {"min": rule.min_age, "max": rule.max_age}
    if rule.min_age is not None:
        return _("at least %(min)s") % {"min": rule.min_age}
    return _("at most %(max)s") % {"max": rule.max_age}


def _your_age_then(age: int, day: date, today: date) -> str:
    if day > today:
        return _("On that date you will be %(age)s.") % {"age": age}
    if day < today:
        return _("On that date you were %(age)s.") % {"age": age}
    return _("Today you are %(age)s.") % {"age": age}


def decide(rule: Rule, *, birth_date: date | None, country: str | None, today: date) -> Decision:
    """May this person enter? Every reason they may not is given, not just the first."""
    day = rule.reference_day(today=today)
    problems = birth_date_problems(birth_date, today=today)
    if problems:
        return Decision(eligible=False, reasons=tuple(problems), reference_day=day, age=None)

    age = age_on(birth_date, day)
    reasons = []
    too_young = rule.min_age is not None and age < rule.min_age
    too_old = rule.max_age is not None and age > rule.max_age
    if too_young or too_old:
        reasons.append(
            _("Entrants must be %(range)s on %(date)s.") % {"range": _age_range(rule), "date": date_format(day)}
            + " "
            + _your_age_then(age, day, today)
        )
    if rule.countries and country not in rule.countries:
        if country:
            reasons.append(_("This contest is open only to people living in the countries its rules list."))
        else:
            reasons.append(_("Tell us the country you live in: this contest is open only to some countries."))
    needs_guardian = rule.guardian_below_age is not None and age < rule.guardian_below_age
    return Decision(
        eligible=not reasons, reasons=tuple(reasons), reference_day=day, age=age, needs_guardian=needs_guardian
    )
