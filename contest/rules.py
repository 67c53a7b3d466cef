"""Who may do what with a contest (django-rules predicates)."""

import rules

from .enums import Role
from .models import ContestRole


@rules.predicate
def is_contest_organizer(user, contest) -> bool:
    if not user.is_authenticated or contest is None:
        return False
    return ContestRole.objects.filter(contest=contest, user=user, role=Role.ORGANIZER).exists()


rules.add_perm("contest.change_contest", rules.is_staff | is_contest_organizer)
