"""Two people at once, on real PostgreSQL connections: one stale save loses, the audit chain never forks."""


import pytest
from django.utils import timezone

from contest import audit
from contest.models import AuditEvent
from judging import services
from judging.models import Assignment, Score
from tests.threads import together

from .factories import jury

pytestmark = pytest.mark.django_db(transaction=True)



def test_two_tabs_saving_at_once_one_wins_and_the_other_is_told():
    jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get()
    judge = assignment.judge

    def save(text):
        return lambda: services.save_score(assignment=assignment, values={}, comment=text, expected_version=0,
                                           by=judge, now=timezone.now())

    outcomes = together(save("tab one"), save("tab two"))
    saved = [o for o in outcomes if isinstance(o, Score)]
    stale = [o for o in outcomes if isinstance(o, services.StaleScore)]
    assert len(saved) == 1 and len(stale) == 1, outcomes
    assert Score.objects.get().comment == saved[0].comment
    assert stale[0].current.comment == saved[0].comment


def test_judges_scoring_at_once_leave_one_unbroken_chain():
    team = jury(entries=4, judges=4, k=1)
    assignments = list(Assignment.objects.select_related("judge"))
    values = {str(c.pk): 7 for c in team.criteria}
    outcomes = together(*[
        (lambda a=a: services.submit_score(assignment=a, values=values, expected_version=0, by=a.judge,
                                           now=timezone.now()))
        for a in assignments
    ])
    assert all(isinstance(o, Score) for o in outcomes), outcomes
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    checked, broken = audit.verify()
    assert broken is None and checked == len(sequences)
