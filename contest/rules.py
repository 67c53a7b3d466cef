"""Who may do what with a contest, and the one definition of each role (django-rules).

A role is read once per request: the person's roles in every contest come in
one query, kept for the request by `RolesPerRequest` (outside a request,
in services and tasks, they are read each time, so a role just given
counts at once). The other apps build their rules on `is_organizer` and
`is_judge` and on `deadlines`, never on a query of their own.

Each permission that depends on the time is a plain function taking `now`
and giving a `Verdict` with its reason, so a service can ask it for the time
it was given; `at_now` turns it into the predicate that views and templates
ask through `has_perm`.
"""

from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar

import rules
from django.utils import timezone

from . import deadlines, eligibility
from .enums import Role
from .models import ContestRole

# Roles by user id, for the request being answered; None outside a request.
_request_roles: ContextVar[dict | None] = ContextVar("request_roles", default=None)


class RolesPerRequest:
    """Middleware: the roles read while answering a request are kept until it is answered, and no longer."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _request_roles.set({})
        try:
            return self.get_response(request)
        finally:
            _request_roles.reset(token)


def roles_of(user) -> dict[int, frozenset[str]]:
    """The person's roles by contest id (one query, kept for the rest of the request)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    kept = _request_roles.get()
    if kept is not None and user.pk in kept:
        return kept[user.pk]
    found: dict[int, set[str]] = defaultdict(set)
    for contest_id, role in ContestRole.objects.filter(user=user).values_list("contest_id", "role"):
        found[contest_id].add(role)
    roles = {contest_id: frozenset(names) for contest_id, names in found.items()}
    if kept is not None:
        kept[user.pk] = roles
    return roles


def forget_roles(user) -> None:
    """After a role is given or taken during a request, the next question reads the roles again."""
    kept = _request_roles.get()
    if kept is not None:
        kept.pop(user.pk, None)


def _contest_id(contest) -> int | None:
    return contest if isinstance(contest, int) or contest is None else contest.pk


def is_organizer(user, contest) -> bool:
    """Organizes this contest: an organizer role in it, or the site's staff, who run every contest."""
    if not getattr(user, "is_authenticated", False) or contest is None:
        return False
    return bool(user.is_staff or Role.ORGANIZER in roles_of(user).get(_contest_id(contest), ()))


def is_judge(user, contest) -> bool:
    """A judge of this contest (invited and joined); which entries they see is judging's rule."""
    if not getattr(user, "is_authenticated", False) or contest is None:
        return False
    return Role.JUDGE in roles_of(user).get(_contest_id(contest), ())


def judges_or_organizes_anything(user) -> bool:
    """Whether the menu shows the judging pages."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or any(roles & {Role.JUDGE, Role.ORGANIZER} for roles in roles_of(user).values()))


def organizes_anything(user) -> bool:
    """Staff, or an organizer of some contest: who may set up a new contest."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or any(Role.ORGANIZER in roles for roles in roles_of(user).values()))


def at_now(decide: Callable[..., deadlines.Verdict]) -> rules.Predicate:
    """The predicate `has_perm` asks: the permission's function, for this moment."""

    def predicate(user, obj) -> bool:
        return bool(decide(user, obj, now=timezone.now()))

    return rules.predicate(predicate, name=decide.__name__)


def may_take_part(user, contest, *, now) -> deadlines.Verdict:
    """Whether the person, as their profile stands, meets the contest's eligibility rule: asked before the
    registration form, so that nobody accepts rules and consents for a contest they cannot enter. Only a
    complete profile is judged (the registration page asks for the rest first); a parent's consent still to
    come is not a refusal."""
    if not getattr(user, "profile_complete", False):
        return deadlines.ALLOWED
    decision = eligibility.decide(
        contest.eligibility_rule,
        birth_date=user.date_of_birth,
        country=str(user.country or "") or None,
        today=eligibility.local_date(now, contest.time_zone),
    )
    return deadlines.ALLOWED if decision.eligible else deadlines.refused(" ".join(decision.reasons))


def may_register(user, contest, *, now) -> deadlines.Verdict:
    if not (open_ := deadlines.entries_open(contest, now)):
        return open_
    return may_take_part(user, contest, now=now)


@rules.predicate
def organizes_contest(user, contest) -> bool:
    return is_organizer(user, contest)


rules.add_perm("contest.manage_contest", organizes_contest)
rules.add_perm("contest.create_contest", rules.predicate(organizes_anything))
rules.add_perm("contest.register", rules.is_authenticated & at_now(may_register))
