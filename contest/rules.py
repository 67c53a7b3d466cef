"""Who may do what with a contest (django-rules predicates)."""

import rules

from .enums import Role
from .models import ContestRole


@rules.predicate
def is_contest_organizer(user, contest) -> bool:
    if not user.is_authenticated or contest is None:
        return False
    return ContestRole.objects.filter(contest=contest, user=user, role=Role.ORGANIZER).exists()


@rules.predicate
def is_registration_owner(user, registration) -> bool:
    return registration is not None and user.is_authenticated and registration.user_id == user.pk


@rules.predicate
def organizes_registration_contest(user, registration) -> bool:
    return registration is not None and is_contest_organizer(user, registration.contest)


rules.add_perm("contest.change_contest", rules.is_staff | is_contest_organizer)
rules.add_perm("contest.view_registration", is_registration_owner | organizes_registration_contest)
