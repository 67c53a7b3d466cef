"""The organizer's results page stays small and runs the same queries for 10 entries as for 10,000."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from judging.enums import ScreeningOutcome
from judging.models import Assignment, PanelMember, RoundEntry, Score, ScreeningDecision
from judging.ranking import weighted_total
from judging.services.results import results_changed
from submissions.enums import EntryStatus
from submissions.models import Entry
from tests.judging.factories import jury

pytestmark = pytest.mark.django_db

TITLES = [
    "Ban Naxay",
    "«La mémoire des champs» & <the fields>",
    "حقول الذاكرة",
    "记忆的田野",
    "Поля памяти",
    "A very long title that an entrant wrote to say everything about the work at once, " * 2,
]


def judged_round_of(size: int):
    """A round of `size` entries, each scored by one of five judges (bulk: the page is tested, not the services)."""
    made = jury(entries=1, judges=5, k=1, assign=False)
    contest, round_ = made.contest, made.round
    now = timezone.now()
    entrants = User.objects.bulk_create(
        [User(email=f"entrant{n}@size{size}.example", full_name=f"Entrant {n}", password="!")
         for n in range(size // 2 + 1)],
        batch_size=2000,
    )
    entries = Entry.objects.bulk_create(
        [Entry(contest=contest, entrant=entrants[n // 2], reference=f"S{size}-{n:05d}", theme=made.entries[0].theme,
               category=made.entries[0].category, title=f"{TITLES[n % len(TITLES)]} {n}",
               status=EntryStatus.SUBMITTED, submitted_at=now, first_submitted_at=now)
         for n in range(size - 1)],
        batch_size=2000,
    ) + [made.entries[0]]
    ScreeningDecision.objects.bulk_create(
        [ScreeningDecision(entry=e, contest_id=e.contest_id, outcome=ScreeningOutcome.ELIGIBLE,
                           decided_by=made.organizer, decided_at=now)
         for e in entries[:-1]], batch_size=2000,
    )
    RoundEntry.objects.bulk_create([RoundEntry(round=round_, entry=e, added_at=now) for e in entries],
                                   batch_size=2000, ignore_conflicts=True)
    judges = [member.judge for member in PanelMember.objects.filter(round=round_).select_related("judge")]
    assignments = Assignment.objects.bulk_create(
        [Assignment(round=round_, entry=e, judge=judges[n % len(judges)], assigned_at=now, method="manual")
         for n, e in enumerate(entries)], batch_size=2000,
    )
    weights = {str(c.pk): c.weight for c in made.criteria}
    rng = random.Random(size)
    scores = []
    for assignment in assignments[: size - size // 10]:  # a tenth not scored yet
        values = {key: rng.randint(1, 10) for key in weights}
        scores.append(Score(assignment=assignment, values=values, total=weighted_total(values, weights),
                            state="submitted", version=1, created_at=now, updated_at=now, submitted_at=now))
    Score.objects.bulk_create(scores, batch_size=2000)
    results_changed(round_.pk)
    return made


def manage_page(client, made, start: int | None = None) -> tuple[int, str]:
    url = reverse("results:manage", args=[made.contest.slug]) + (f"?start={start}" if start is not None else "")
    client.get(url)  # the first read after the scores recomputes the stored results
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_page_of_10_entries_and_the_page_of_10000_run_the_same_queries_and_stay_under_200_kb(client):
    small = judged_round_of(10)
    client.force_login(small.organizer)
    few, page = manage_page(client, small)
    assert page.count("data-entry=") == 10 and "Places 1 to 10 of 10." in page

    large = judged_round_of(10_000)
    client.force_login(large.organizer)
    many, page = manage_page(client, large)
    assert many == few, f"{few} queries for 10 entries, {many} for 10,000"
    assert len(page.encode()) < 200_000, f"the page is {len(page.encode()):,} bytes"
    assert 50 <= page.count("data-entry=") <= 60 and "Places 1 to" in page and "of 10000." in page
    assert 'rel="next"' in page and 'rel="prev"' not in page

    deep, page = manage_page(client, large, start=9_950)
    assert deep == few and len(page.encode()) < 200_000
    assert 'rel="prev"' in page and 'rel="next"' not in page, "the last page links back, not on"
    assert "S10000-" in page
