"""Raw and normalised results against a table worked by hand, in pure Python and through the results page."""

import math

import pytest
from django.utils import timezone

from judging import selectors, services
from judging.ranking import ScoreFacts, competition_ranks, rank, weighted_total

from .factories import jury

# The table, worked by hand. Judge A is lenient, B harsh, C in between; four entries W, X, Y, Z.
#
#   judge   scores                 mean  sd (population)   z-scores
#   A       W = 10, X = 8           9     1                 W +1, X −1
#   B       X = 5,  Y = 3           4     1                 X +1, Y −1
#   C       Y = 8,  Z = 6           7     1                 Y +1, Z −1
#
# Every total in the round: 10, 8, 5, 3, 8, 6. Their mean is 40 / 6 = 20/3 = 6.666667.
# Deviations from it, in ninths squared: 100, 16, 25, 121, 16, 4 → 282/9; divided by 6 → 47/9;
# so the round's sd is √47 / 3 = 2.285218.
# A z-score goes back on the scale as 20/3 + z × 2.285218: z = +1 → 8.951885, z = −1 → 4.381448.
#
#   entry  raw mean            raw rank  normalised mean                   normalised rank  spread
#   W      10                  1         8.951885                          1                0
#   X      (8 + 5) / 2 = 6.5   2         (4.381448 + 8.951885) / 2 = 20/3  2                3
#   Y      (3 + 8) / 2 = 5.5   4         (4.381448 + 8.951885) / 2 = 20/3  2 (tied with X)  5
#   Z      6                   3         4.381448                          4                0
#
# Y climbs from 4th to 2nd: its low raw mean came from the harsh judge. With a threshold of 3,
# only Y is flagged (X's spread is exactly 3, not above it).
HIGH, LOW, MEAN = 20 / 3 + math.sqrt(47) / 3, 20 / 3 - math.sqrt(47) / 3, 20 / 3
EXPECTED = {
    # entry: (raw mean, raw rank, normalised mean, normalised rank, scores, disagreement)
    "W": (10.0, 1, HIGH, 1, 1, False),
    "X": (6.5, 2, MEAN, 2, 2, False),
    "Y": (5.5, 4, MEAN, 2, 2, True),
    "Z": (6.0, 3, LOW, 4, 1, False),
}
SCORES = [("A", "W", 10), ("A", "X", 8), ("B", "X", 5), ("B", "Y", 3), ("C", "Y", 8), ("C", "Z", 6)]


def test_hand_worked_table_in_python():
    assert round(HIGH, 6) == 8.951885 and round(LOW, 6) == 4.381448
    entries = {"W": 1, "X": 2, "Y": 3, "Z": 4}
    judges = {"A": 10, "B": 11, "C": 12}
    results = rank(
        [ScoreFacts(entries[e], judges[j], t) for j, e, t in SCORES], scale=(1, 10), threshold=3
    )
    by_entry = {r.entry_id: r for r in results}
    for name, (raw, raw_rank, normal, normal_rank, count, flagged) in EXPECTED.items():
        result = by_entry[entries[name]]
        assert result.raw_mean == pytest.approx(raw)
        assert result.raw_rank == raw_rank
        assert result.normalised_mean == pytest.approx(normal)
        assert result.normalised_rank == normal_rank
        assert result.scores == count
        assert result.disagreement is flagged
    assert [r.entry_id for r in results] == [1, 2, 3, 4]


def test_weighted_total_and_ranks():
    # Message (weight 2) 9, craft (weight 1) 6: (2 × 9 + 1 × 6) / 3 = 8.
    assert weighted_total({"m": 9, "c": 6}, {"m": 2, "c": 1}) == 8
    assert competition_ranks({1: 5.0, 2: 7.0, 3: 7.0, 4: None, 5: 1.0}) == {1: 3, 2: 1, 3: 1, 4: None, 5: 4}


def test_a_judge_with_one_score_or_equal_scores_counts_as_the_round_mean():
    # Judge 10 gave one score, judge 11 gave 4 twice: no order to learn, so all three sit at (9 + 4 + 4) / 3.
    results = rank([ScoreFacts(1, 10, 9), ScoreFacts(2, 11, 4), ScoreFacts(3, 11, 4)], scale=(1, 10), threshold=3)
    assert [r.normalised_mean for r in results] == [pytest.approx(17 / 3)] * 3
    assert [r.raw_rank for r in results] == [1, 2, 2]


@pytest.mark.django_db
def test_the_results_page_shows_the_hand_worked_table():
    team = jury(entries=4, judges=3, k=2, assign=False)
    organizer, now = team.organizer, timezone.now()
    entries = dict(zip("WXYZ", team.entries, strict=True))
    judges = dict(zip("ABC", team.judges, strict=True))
    message, craft = team.criteria  # weights 2 and 1
    # Criterion values giving each total: (2 × message + craft) / 3.
    values = {10: (10, 10), 8: (9, 6), 5: (5, 5), 3: (3, 3), 6: (6, 6)}
    for judge, entry, total in SCORES:
        assignment = services.assign_entry(
            round=team.round, entry=entries[entry], judge=judges[judge], by=organizer, now=now
        )
        m, c = values[total]
        services.submit_score(
            assignment=assignment, values={str(message.pk): m, str(craft.pk): c}, expected_version=0,
            by=judges[judge], now=now,
        )
    page = selectors.results_page(round=team.round)
    assert page.total == 4 and page.next_after is None
    assert [row.entry for row in page.items] == [entries[n] for n in "WXYZ"]
    for row in page.items:
        name = next(n for n, e in entries.items() if e == row.entry)
        raw, raw_rank, normal, normal_rank, count, flagged = EXPECTED[name]
        assert row.result.raw_mean == pytest.approx(raw)
        assert row.result.raw_rank == raw_rank
        assert row.result.normalised_mean == pytest.approx(normal)
        assert row.result.normalised_rank == normal_rank
        assert row.result.scores == count
        assert row.result.disagreement is flagged
    by_raw = selectors.results_page(round=team.round, order="raw")
    assert [row.entry for row in by_raw.items] == [entries[n] for n in "WXZY"]
    # Two at a time, the keyset cursor walks the same order.
    first = selectors.results_page(round=team.round, order="raw", limit=2)
    second = selectors.results_page(round=team.round, order="raw", limit=2, after=first.next_after)
    assert [row.entry for row in first.items + second.items] == [entries[n] for n in "WXZY"]
    assert second.next_after is None
