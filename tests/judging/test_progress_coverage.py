"""The organizer's progress chart: how many entries have 0, 1 … k submitted scores."""

import pytest
from django.utils import timezone

from judging import progress, services
from judging.models import Assignment
from tests.judging.factories import jury

pytestmark = pytest.mark.django_db


def test_each_entry_is_counted_once_at_its_number_of_submitted_scores():
    made = jury(entries=5, judges=3, k=2)
    message, craft = made.criteria
    assignments = list(Assignment.objects.filter(round=made.round).select_related("judge").order_by("entry_id", "pk"))
    by_entry: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_entry.setdefault(assignment.entry_id, []).append(assignment)
    entries = sorted(by_entry)
    # Entry 0: both scores in; entry 1: one in, one only saved as a draft; the others: none.
    now = timezone.now()
    for assignment in by_entry[entries[0]] + by_entry[entries[1]][:1]:
        services.submit_score(assignment=assignment, values={str(message.pk): 7, str(craft.pk): 6},
                              expected_version=0, by=assignment.judge, now=now)
    services.save_score(assignment=by_entry[entries[1]][1], values={str(message.pk): 5, str(craft.pk): 5},
                        expected_version=0, by=by_entry[entries[1]][1].judge, now=now)

    bands = progress.coverage(round=made.round)

    assert [(band.scores, band.entries, band.complete) for band in bands] == [(0, 3, False), (1, 1, False),
                                                                               (2, 1, True)]
