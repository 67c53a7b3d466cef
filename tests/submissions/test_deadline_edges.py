"""The deadline to the second: a contest closing at midnight, Mexico City time, takes 23:59:59 and refuses 00:00:00."""

from datetime import datetime

import pytest

from submissions import services
from tests.submissions.test_entries import MEXICO_CITY, draft, essay_contest, registered

pytestmark = pytest.mark.django_db


def closing_at_midnight():
    year = datetime.now().year + 1
    return essay_contest(time_zone="America/Mexico_City", closes_at=datetime(year, 8, 1, 0, 0, 0, tzinfo=MEXICO_CITY))


def test_an_entry_submitted_at_23_59_59_in_the_contests_zone_is_accepted():
    contest = closing_at_midnight()
    entry = draft(contest, registered(contest))
    last_second = datetime(contest.closes_at.year, 7, 31, 23, 59, 59, tzinfo=MEXICO_CITY)

    services.submit_entry(entry=entry, now=last_second)

    entry.refresh_from_db()
    assert (entry.status, entry.submitted_at) == ("submitted", last_second)


def test_an_entry_submitted_at_00_00_00_is_refused_naming_the_deadline_and_its_zone():
    contest = closing_at_midnight()
    entry = draft(contest, registered(contest))

    with pytest.raises(services.EntryRefused) as refused:
        services.submit_entry(entry=entry, now=contest.closes_at)

    assert refused.value.messages == [
        f"The deadline has passed: entries closed on Aug. 1, {contest.closes_at.year}, midnight (America/Mexico_City)."
    ]
    entry.refresh_from_db()
    assert (entry.status, entry.submitted_at) == ("draft", None)
