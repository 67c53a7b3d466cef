"""Who may see and do what with results (django-rules): organizers of the contest manage them; everyone else
sees nothing until the announcement, and then only what is published."""

import rules

from contest.rules import is_contest_organizer


@rules.predicate
def is_announced(user, contest) -> bool:
    results = getattr(contest, "results", None) if contest is not None else None
    return bool(results is not None and results.announced_at is not None)


@rules.predicate
def owns_entry(user, entry) -> bool:
    return entry is not None and user.is_authenticated and entry.entrant_id == user.pk


@rules.predicate
def entry_results_announced(user, entry) -> bool:
    return entry is not None and is_announced(user, entry.contest)


rules.add_perm("results.manage_results", rules.is_staff | is_contest_organizer)
rules.add_perm("results.view_results", rules.is_staff | is_contest_organizer | is_announced)
rules.add_perm("results.view_certificate", owns_entry & entry_results_announced)
