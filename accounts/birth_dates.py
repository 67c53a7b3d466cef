"""What a date of birth says: the age on a given day, and what is wrong with one as typed.

Pure functions, used by the profile form and by every contest's eligibility rule.
"""

from datetime import date

from django.utils.translation import gettext as _

OLDEST_PLAUSIBLE_AGE = 120
# (youngest, oldest, label): the bands of every count by age, and all that is kept of the age of a person who
# left; enough to count, too coarse to find anyone by.
AGE_BANDS = (
    (0, 17, "≤17"),
    (18, 20, "18–20"),
    (21, 23, "21–23"),
    (24, 26, "24–26"),
    (27, 29, "27–29"),
    (30, OLDEST_PLAUSIBLE_AGE, "30+"),
)


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on `day`.

    A person born on 29 February turns a year older on 1 March in common
    years (and on 29 February in leap years): on 28 February of a common
    year they have not yet had their birthday.
    """
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def age_band(birth_date: date | None, day: date) -> str:
    """The label of the band the person's age on `day` falls in, or "" when the date of birth is not known."""
    if birth_date is None:
        return ""
    age = age_on(birth_date, day)
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "")


def birth_date_problems(birth_date: date | None, *, today: date) -> list[str]:
    """What is wrong with a birth date as typed, in words the person can act on."""
    if birth_date is None:
        return [_("Enter your date of birth, for example 2001-04-23.")]
    if birth_date > today:
        return [_("Your date of birth cannot be in the future. Check the year.")]
    if age_on(birth_date, today) > OLDEST_PLAUSIBLE_AGE:
        return [_("That date of birth is more than 120 years ago. Check the year.")]
    return []
