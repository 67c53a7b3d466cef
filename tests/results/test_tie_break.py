"""The final ranking breaks ties by the rule declared before judging, and that rule cannot change afterwards."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent
from results import selectors, services
from results.enums import TieBreakStep
from tests.results.helpers import judged_contest

pytestmark = pytest.mark.django_db


def order_of(made) -> list[int]:
    standings = selectors.final_standings(contest=made.contest)
    return [made.entries.index(standings.entries[row.entry_id]) for row in standings.rows]


def test_two_entries_level_on_every_mean_are_separated_by_the_declared_criterion():
    made = judged_contest(steps=[TieBreakStep.NORMALISED_MEAN, TieBreakStep.CRITERION_MEAN], name_criterion=True)
    standings = selectors.final_standings(contest=made.contest)
    assert order_of(made) == [0, 1, 2, 3], "entry 1 scored higher on Message, the named criterion"
    ranks = [row.rank for row in standings.rows]
    assert ranks == [1, 2, 3, 4]
    # Entry 1 is below entry 0 on the normalised mean; entry 2 is below entry 1 only by the named criterion.
    assert standings.rows[1].separated_by == TieBreakStep.NORMALISED_MEAN
    assert standings.rows[2].separated_by == TieBreakStep.CRITERION_MEAN
    assert not standings.ties


def test_with_agreement_declared_first_the_same_tie_goes_the_other_way():
    made = judged_contest(steps=[TieBreakStep.FEWER_SPREAD, TieBreakStep.CRITERION_MEAN], name_criterion=True)
    # Every judge gave the same totals, so spreads are all 0 and the criterion still decides.
    assert order_of(made) == [0, 1, 2, 3]


def test_a_tie_left_to_the_organizer_blocks_the_announcement_until_decided_with_a_reason(client):
    made = judged_contest(steps=[TieBreakStep.NORMALISED_MEAN, TieBreakStep.RAW_MEAN, TieBreakStep.ORGANIZER])
    standings = selectors.final_standings(contest=made.contest)
    (tie,) = standings.ties
    assert {standings.entries[row.entry_id] for row in tie} == {made.entries[1], made.entries[2]}
    assert [row.rank for row in standings.rows] == [1, 2, 2, 4]

    client.force_login(made.organizer)
    page = client.get(reverse("results:manage", args=[made.contest.slug]))
    assert page.status_code == 200
    assert "Higher raw mean" in page.content.decode() and "Entries level at rank 2" in page.content.decode()

    prefix = "tie2"
    data = {"prefix": prefix, f"{prefix}-entries": f"{made.entries[1].pk},{made.entries[2].pk}",
            f"{prefix}-position_{made.entries[1].pk}": 2, f"{prefix}-position_{made.entries[2].pk}": 1,
            f"{prefix}-reason": ""}
    client.post(reverse("results:decide_tie", args=[made.contest.slug]), data)
    assert selectors.final_standings(contest=made.contest).ties, "no reason, no decision"

    data[f"{prefix}-reason"] = "The jury preferred the craft of entry 3 in its deliberation."
    response = client.post(reverse("results:decide_tie", args=[made.contest.slug]), data, follow=True)
    assert "The tie is decided" in response.content.decode()
    assert order_of(made) == [0, 2, 1, 3]
    event = AuditEvent.objects.filter(action="results.tie_decided").get()
    assert event.after["reason"].startswith("The jury preferred") and event.actor == made.organizer


def test_the_rule_cannot_change_once_judging_has_started():
    made = judged_contest(steps=[TieBreakStep.NORMALISED_MEAN, TieBreakStep.ORGANIZER])
    with pytest.raises(services.ResultsRefused, match="Judging has started"):
        services.declare_tie_break(contest=made.contest, steps=[TieBreakStep.RAW_MEAN], criterion=None,
                                   by=made.organizer, now=timezone.now())
    assert selectors.results_for(made.contest).steps == ["normalised_mean", "organizer"]
    assert AuditEvent.objects.filter(action="results.tie_break").count() == 1
