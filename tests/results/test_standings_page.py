"""A page of the final standings, ordered by the database, agrees with the whole ranking ordered in Python."""

import random

import pytest
from django.utils import timezone

from judging import services as judging
from judging.models import Assignment
from results import selectors, services
from results.enums import TieBreakStep
from tests.judging.factories import jury
from tests.results.helpers import judged_contest

pytestmark = pytest.mark.django_db

RULES = [
    ([TieBreakStep.NORMALISED_MEAN, TieBreakStep.CRITERION_MEAN], True),
    ([TieBreakStep.FEWER_SPREAD, TieBreakStep.CRITERION_MEAN], True),
    ([TieBreakStep.NORMALISED_MEAN, TieBreakStep.RAW_MEAN, TieBreakStep.ORGANIZER], False),
    ([TieBreakStep.NORMALISED_MEAN], False),
]


def rows_of(standing) -> tuple:
    return (standing.entry_id, standing.rank, standing.tied, standing.separated_by,
            None if standing.criterion_mean is None else round(standing.criterion_mean, 9))


def every_page(contest, limit: int) -> list:
    """Walk the pages by their next links; also check that no page cuts a group of level entries in two."""
    rows, start, seen = [], 0, 0
    while start is not None:
        page = selectors.standings_page(contest=contest, start=start, limit=limit)
        assert page.start >= start, "a page starts with the first group whose rank is past `start`"
        ranks = {row.rank for row in page.rows if row.tied}
        for rank in ranks:
            group = [row for row in page.rows if row.rank == rank]
            everywhere = [row for row in selectors.final_standings(contest=contest).rows if row.rank == rank]
            assert len(group) == len(everywhere), "a group of level entries is on one page, whole"
        rows += page.rows
        start = page.next_start
        seen += 1
        assert seen < 100
    return rows


@pytest.mark.parametrize(("steps", "name_criterion"), RULES)
def test_pages_list_the_same_order_ranks_ties_and_reasons_as_the_whole_ranking(steps, name_criterion):
    made = judged_contest(steps=steps, name_criterion=name_criterion)
    whole = selectors.final_standings(contest=made.contest)
    for limit in (1, 2, 50):
        assert [rows_of(r) for r in every_page(made.contest, limit)] == [rows_of(r) for r in whole.rows]


def test_an_organizers_decision_orders_the_tie_on_the_page_too():
    made = judged_contest(steps=[TieBreakStep.NORMALISED_MEAN, TieBreakStep.RAW_MEAN, TieBreakStep.ORGANIZER])
    page = selectors.standings_page(contest=made.contest)
    assert [row.rank for row in page.rows] == [1, 2, 2, 4] and len(page.ties) == 1
    services.decide_tie(contest=made.contest, entries=[made.entries[2], made.entries[1]], reason="Craft.",
                        by=made.organizer, now=timezone.now())
    page = selectors.standings_page(contest=made.contest)
    assert [page.entries[row.entry_id] for row in page.rows] == [made.entries[i] for i in (0, 2, 1, 3)]
    assert page.rows[2].separated_by == TieBreakStep.ORGANIZER and not page.ties


def test_a_larger_round_with_level_scores_and_unscored_entries_agrees_page_by_page():
    """Scores from a few values, so many entries are level; some entries have no score at all."""
    made = jury(entries=40, judges=6, k=3, criteria=(("Message", 2), ("Craft", 1)))
    rng = random.Random(3)
    message, craft = made.criteria
    unscored = set(made.entries[-5:])
    for assignment in Assignment.objects.filter(round=made.round).select_related("entry", "judge"):
        if assignment.entry in unscored:
            continue
        judging.submit_score(assignment=assignment, values={str(message.pk): rng.choice([5, 7]),
                                                            str(craft.pk): rng.choice([5, 7])},
                             expected_version=0, by=assignment.judge, now=timezone.now())
    whole = selectors.final_standings(contest=made.contest)
    assert whole.ties and any(row.rank is None for row in whole.rows), "the data has ties and unscored entries"
    for limit in (3, 7, 50):
        assert [rows_of(r) for r in every_page(made.contest, limit)] == [rows_of(r) for r in whole.rows]
    first = selectors.standings_page(contest=made.contest, limit=7)
    second = selectors.standings_page(contest=made.contest, start=first.next_start, limit=7)
    assert first.previous_start is None and second.previous_start == max(0, first.next_start - 7)


def test_every_page_counts_the_whole_round_even_past_its_end():
    """The round's size comes with the page's own rows; a page past the end still says how many there are."""
    made = judged_contest(steps=[TieBreakStep.NORMALISED_MEAN])
    size = len(selectors.final_standings(contest=made.contest).rows)
    for start in (0, 1, size - 1, size, size + 10):
        page = selectors.standings_page(contest=made.contest, start=start, limit=1)
        assert page.total == size, start
        assert bool(page.rows) == (start < size)
