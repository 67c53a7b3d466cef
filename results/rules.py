"""Who may see and do what with results (django-rules), on `contest.rules`' roles and `contest.deadlines`.

Organizers of the contest manage the results and may preview them; everyone
else sees nothing until the announcement, and then only what is published.
An entrant's own result and certificate exist for them alone, and only then.
"""

import rules

from contest import deadlines
from contest.rules import is_organizer
from submissions.enums import EntryStatus


@rules.predicate
def organizes_contest(user, contest) -> bool:
    return is_organizer(user, contest)


@rules.predicate
def results_announced(user, contest) -> bool:
    return contest is not None and deadlines.results_visible(contest)


@rules.predicate
def owns_submitted_entry(user, entry) -> bool:
    return bool(
        entry is not None
        and getattr(user, "is_authenticated", False)
        and entry.entrant_id == user.pk
        and entry.status == EntryStatus.SUBMITTED
    )


@rules.predicate
def entry_results_announced(user, entry) -> bool:
    return entry is not None and deadlines.results_visible(entry.contest)


rules.add_perm("results.manage_results", organizes_contest)
rules.add_perm("results.view_results", results_announced | organizes_contest)
rules.add_perm("results.view_own_result", rules.is_authenticated & results_announced)
rules.add_perm("results.view_certificate", owns_submitted_entry & entry_results_announced)
