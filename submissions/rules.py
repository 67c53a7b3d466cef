"""Who may see what of the submissions beyond their own (django-rules predicates)."""

import rules

from contest.rules import is_contest_organizer

# The processing page shows the queues (shared by every contest on the site) and this contest's stuck jobs.
rules.add_perm("submissions.view_processing", rules.is_staff | is_contest_organizer)
