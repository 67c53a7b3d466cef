"""The judging pages' reads: the same few queries for 4 entries or 40, keyset pages that walk everything once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from judging import selectors, services
from judging.models import Assignment

from .factories import EntryFactory, jury

pytestmark = pytest.mark.django_db


def scored_jury(entries: int, judges: int):
    team = jury(entries=entries, judges=judges, k=2)
    now = timezone.now()
    for index, assignment in enumerate(Assignment.objects.filter(round=team.round).select_related("judge")):
        if index % 3:
            services.submit_score(assignment=assignment, values={str(c.pk): 1 + index % 10 for c in team.criteria},
                                  expected_version=0, by=assignment.judge, now=now)
    return team


def count_queries(read) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


READS = {
    "judge queue": lambda t: selectors.judge_queue(round=t.round, judge=t.judges[0], limit=5).items,
    "judge rounds": lambda t: selectors.judge_rounds(judge=t.judges[0]),
    "organizer entries": lambda t: [i.entry.entrant.email for i in selectors.organizer_entries(round=t.round,
                                                                                                limit=5).items],
    "results": lambda t: [r.entry.theme.title for r in selectors.results_page(round=t.round, limit=5).items],
    "panel": lambda t: selectors.panel_of(round=t.round),
    "screening": lambda t: [r.flags for r in selectors.screening_list(contest=t.contest, limit=5).items],
}
LIMITS = {"judge queue": 2, "judge rounds": 2, "organizer entries": 2, "results": 3, "panel": 2,
          # Screening also reads what its preview of each work shows: declarations, forms, captions, the jobs;
          # and counts the entries, the decisions, and the decisions of entries since withdrawn.
          "screening": 9}


def test_the_results_are_recomputed_once_after_a_score_changes(django_assert_max_num_queries):
    team = scored_jury(12, 3)
    # Recomputing is one INSERT … SELECT whatever the size, with its bookkeeping; the test's own transaction
    # adds a savepoint and its release.
    with django_assert_max_num_queries(12):
        first = selectors.results_page(round=team.round)
    assignment = Assignment.objects.filter(round=team.round, score__state="submitted").select_related("judge").first()
    before = next(r.result for r in first.items if r.entry.pk == assignment.entry_id)
    services.submit_score(assignment=assignment, values={str(c.pk): 10 for c in team.criteria},
                          expected_version=assignment.score.version, by=assignment.judge, now=timezone.now())
    after = next(r.result for r in selectors.results_page(round=team.round).items if r.entry.pk == assignment.entry_id)
    assert after.raw_mean > before.raw_mean
    assert count_queries(lambda: selectors.results_page(round=team.round)) == 3


@pytest.mark.parametrize("name", READS)
def test_each_page_runs_the_same_few_queries_whatever_the_size(name, django_assert_max_num_queries):
    small, large = scored_jury(4, 3), scored_jury(40, 6)
    read = READS[name]
    # The first read of the results after scores change recomputes the stored table (a few more queries).
    read(small), read(large)
    with django_assert_max_num_queries(LIMITS[name]):
        read(large)
    assert count_queries(lambda: read(small)) == count_queries(lambda: read(large))


def test_keyset_pages_walk_every_item_once():
    team = scored_jury(23, 4)
    judge = team.judges[1]
    seen, after = [], None
    while True:
        page = selectors.judge_queue(round=team.round, judge=judge, after=after, limit=4)
        seen += [item.entry_id for item in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    mine = sorted(Assignment.objects.filter(round=team.round, judge=judge).values_list("entry_id", flat=True))
    assert seen == mine
    assert page.progress.total == len(mine)
    assert page.progress.label == f"{page.progress.scored} of {len(mine)} scored"

    entries, after = [], None
    while True:
        page = selectors.organizer_entries(round=team.round, after=after, limit=5)
        entries += [item.entry_id for item in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert entries == sorted(e.pk for e in team.entries)

    results, after = [], None
    while True:
        page = selectors.results_page(round=team.round, after=after, limit=6)
        results += [row.entry.pk for row in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert results == [r.entry_id for r in selectors.ranking_of(round=team.round)]
    assert sorted(results) == sorted(e.pk for e in team.entries)


def test_the_queue_names_no_entrant_and_the_screening_list_flags_what_to_check():
    team = scored_jury(3, 2)
    page = selectors.judge_queue(round=team.round, judge=team.judges[0])
    for item in page.items:
        assert "entrant" not in item.entry._state.fields_cache
    odd = EntryFactory(contest=team.contest, ai_use="generated")
    rows = {row.entry.pk: row for row in selectors.screening_list(contest=team.contest).items}
    assert rows[odd.pk].flags == ["The entrant declared the use of AI tools."]
    assert rows[team.entries[0].pk].flags == []


def test_neighbours_step_through_the_queue():
    team = scored_jury(6, 2)
    judge = team.judges[0]
    queue = list(Assignment.objects.filter(round=team.round, judge=judge).order_by("entry_id"))
    middle = queue[1]
    around = selectors.queue_neighbours(assignment=middle)
    assert (around.previous_id, around.next_id) == (queue[0].pk, queue[2].pk)
    assert selectors.queue_neighbours(assignment=queue[0]).previous_id is None
