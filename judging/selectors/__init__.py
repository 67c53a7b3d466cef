"""Reads for the judging pages: a constant number of queries whatever the size, keyset pagination.

Every list takes `after` (the cursor the previous page returned, or None) and
`limit`, and returns a page with `items` and `next_after` (None on the last
page). Cursors are plain values, safe to put in a query string.
"""

from .common import MAX_PAGE, PAGE, Page, Progress
from .judge import (
    Neighbours,
    ScoreSheet,
    judge_assignment,
    judge_progress,
    judge_queue,
    judge_rounds,
    other_scores,
    queue_neighbours,
    score_sheet,
)
from .organizer import (
    entry_assignments,
    explain_shortfall,
    judges_behind,
    organizer_entries,
    panel_of,
    rounds_of,
    shortfall_entries,
)
from .preview import JudgesView, judges_view, preview_entry, with_work_details
from .results import NO_RANK, ResultRow, ranking_of, results_page, stored_results
from .screening import ScreeningRow, screening_list

__all__ = [
    "MAX_PAGE",
    "NO_RANK",
    "PAGE",
    "JudgesView",
    "Neighbours",
    "Page",
    "Progress",
    "ResultRow",
    "ScoreSheet",
    "ScreeningRow",
    "entry_assignments",
    "explain_shortfall",
    "judge_assignment",
    "judge_progress",
    "judge_queue",
    "judge_rounds",
    "judges_behind",
    "judges_view",
    "organizer_entries",
    "other_scores",
    "panel_of",
    "preview_entry",
    "queue_neighbours",
    "ranking_of",
    "stored_results",
    "results_page",
    "rounds_of",
    "score_sheet",
    "screening_list",
    "shortfall_entries",
    "with_work_details",
]
