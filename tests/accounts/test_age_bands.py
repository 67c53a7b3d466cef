"""One age band function: statistics and what is kept of a person who left count ages the same way."""

from datetime import date

import pytest

from accounts.birth_dates import age_band


@pytest.mark.parametrize(
    ("birth", "label"),
    [
        (date(2008, 6, 2), "≤17"),  # 17 the day before their birthday
        (date(2008, 6, 1), "18–20"),  # 18 on the day
        (date(2005, 6, 1), "21–23"),
        (date(1996, 6, 2), "27–29"),  # still 29
        (date(1996, 6, 1), "30+"),
        (None, ""),
    ],
)
def test_an_age_falls_in_one_band_on_the_day_asked(birth, label):
    assert age_band(birth, date(2026, 6, 1)) == label


def test_a_leap_day_birthday_counts_from_the_first_of_march_in_common_years():
    assert age_band(date(2008, 2, 29), date(2026, 2, 28)) == "≤17"
    assert age_band(date(2008, 2, 29), date(2026, 3, 1)) == "18–20"
