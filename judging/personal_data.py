"""The judging app's part of a person's data: what they did as a judge or an organizer, and what is about their entries.

Download (`judging/`): as a judge, their details for each contest (country,
organisation), the invitations sent to them, their seats on panels, their
assignments, their scores with comments and feedback, the conflicts of
interest declared for them; as an organizer, the screening decisions they made
and the AI-use flags they raised (entry reference, outcome, their note); about
their own entries, the screening decisions once released to them, and the
conflicts judges declared with them (the kind, not the judge).

Erasure:
- kept, naming nobody: a judge's submitted scores. Other entrants' ranks rest
  on them (each judge's scores are also normalised together), so deleting them
  would change results others were told. The assignments holding them move to
  a stand-in account made for this erasure, one per erased judge: a random
  code for a name, no address that reaches anyone, no password, never active.
  They lose their comment and feedback, the judge's own words. The seat on
  those rounds' panels moves with them, as a judge who left.
- deleted: everything else of theirs as a judge. They leave every panel as if
  an organizer removed them; in a round still running, the work they had not
  submitted goes back to be assigned (the organizers see the entries short of
  judges and reassign them). Their drafts, their details, the invitations
  sent to their proven addresses and their conflicts of interest go.
- kept without their name: as an organizer, their screening decisions and
  AI-use flags, the contest's record of how entries were decided (the database
  empties `decided_by`, `noted_by`, `invited_by`, `recorded_by`).
- about their entries: decisions, flags, judges' scores and the results
  table's rows go with the entries (see submissions); conflicts declared with
  them go.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.registry import Erasure, ExportFolder, proven_addresses
from contest import audit

from .enums import AuditAction, RoundState, ScoreState
from .models import (
    AISuspicion,
    Assignment,
    ConflictOfInterest,
    JudgeInvitation,
    JudgeProfile,
    PanelMember,
    Score,
    ScreeningDecision,
)
from .services import tallies
from .services.assigning import drop_unstarted_work
from .services.common import locked_round

# The stand-in's address: `.invalid` is reserved (RFC 2606), so no mail can ever reach anyone through it.
STAND_IN_DOMAIN = "deleted-account.invalid"


def export(*, user: User, into: ExportFolder) -> None:
    into.records("judge_details", JudgeProfile.objects.filter(judge=user))
    into.records("invitations", _invitations(user, proven_addresses(user)), leave_out=("invited_by",))
    into.records("panels", PanelMember.objects.filter(judge=user))
    into.records("assignments", Assignment.objects.filter(judge=user))
    into.records("scores", Score.objects.filter(assignment__judge=user))
    into.records("conflicts_declared", ConflictOfInterest.objects.filter(judge=user), leave_out=("recorded_by",))
    into.records(
        "conflicts_with_you",
        [
            {"contest": contest, "kind": kind, "recorded_at": at}
            for contest, kind, at in ConflictOfInterest.objects.filter(entrant=user).values_list(
                "contest_id", "kind", "recorded_at"
            )
        ],
    )
    into.records(
        "screening_decisions_made",
        [
            {"entry": reference, "outcome": outcome, "reason": reason, "note": note, "decided_at": at}
            for reference, outcome, reason, note, at in ScreeningDecision.objects.filter(decided_by=user).values_list(
                "entry__reference", "outcome", "reason", "note", "decided_at"
            )
        ],
    )
    into.records(
        "ai_use_flags_raised",
        [
            {"entry": reference, "note": note, "noted_at": at}
            for reference, note, at in AISuspicion.objects.filter(noted_by=user).values_list(
                "entry__reference", "note", "noted_at"
            )
        ],
    )
    into.records(
        "screening_of_your_entries",
        ScreeningDecision.objects.filter(entry__entrant=user, released_at__isnull=False),
        leave_out=("decided_by",),
    )


def erase(*, erasure: Erasure) -> None:
    user, now = erasure.user, erasure.now
    invitations = _invitations(user, erasure.verified_emails)
    conflicts = ConflictOfInterest.objects.filter(Q(judge=user) | Q(entrant=user))
    for queryset in (
        Assignment.objects.filter(Q(judge=user) | Q(entry__entrant=user)),
        Score.objects.filter(Q(assignment__judge=user) | Q(assignment__entry__entrant=user)),
        PanelMember.objects.filter(judge=user),
        JudgeProfile.objects.filter(judge=user),
        invitations,
        conflicts,
        ScreeningDecision.objects.filter(entry__entrant=user),
    ):
        erasure.mark(queryset)
    # The rounds whose tallies change: where they judged, and where their entries were judged (the entries
    # and their assignments go with the submissions app's part, which runs after this one).
    touched = set(Assignment.objects.filter(Q(judge=user) | Q(entry__entrant=user)).values_list("round_id", flat=True))
    for member in PanelMember.objects.filter(judge=user, left_at__isnull=True):
        _leave(member, now=now)
    kept = list(Assignment.objects.filter(judge=user, score__state=ScoreState.SUBMITTED).values_list("pk", "round"))
    if kept:
        stand_in = _stand_in()
        Score.objects.filter(assignment__in=[pk for pk, _round in kept]).update(comment="", feedback="")
        Assignment.objects.filter(pk__in=[pk for pk, _round in kept]).update(judge=stand_in)
        PanelMember.objects.filter(judge=user, round__in={round_ for _pk, round_ in kept}).update(judge=stand_in)
        erasure.count("scores kept anonymously", len(kept))
    erasure.count("assignments", Assignment.objects.filter(judge=user).delete()[0])
    PanelMember.objects.filter(judge=user).delete()
    JudgeProfile.objects.filter(judge=user).delete()
    invitations.delete()
    erasure.count("conflicts of interest", conflicts.delete()[0])
    Assignment.objects.filter(entry__entrant=user).delete()
    tallies.recount_rounds(touched)


def _leave(member: PanelMember, *, now: datetime) -> None:
    """The judge leaves the round's panel, as when an organizer removes them, but nobody acts: in a round still
    running, the work they had not submitted goes back to be assigned, and the organizers see the entries now
    short of judges on the round's page, to reassign them as they choose."""
    round_ = locked_round(member.round)
    PanelMember.objects.filter(pk=member.pk).update(left_at=now)
    audit.record(
        action=AuditAction.PANEL_LEFT, obj=member, actor=None, contest=round_.contest_id,
        before={"round": round_.pk, "judge": member.judge_id}, after={"left_at": now}, at=now,
    )
    if round_.state != RoundState.CLOSED:
        drop_unstarted_work(round_, member.judge, by=None, now=now)


def _invitations(user: User, addresses: Iterable[str]) -> QuerySet[JudgeInvitation]:
    to_them = Q(accepted_by=user)
    for address in addresses:
        to_them |= Q(email__iexact=address)
    return JudgeInvitation.objects.filter(to_them)


def _stand_in() -> User:
    """A new account to hold an erased judge's scores: a random code for a name, no password, never active."""
    stand_in = User(email=f"judge-{secrets.token_hex(6)}@{STAND_IN_DOMAIN}", is_active=False)
    stand_in.set_unusable_password()
    stand_in.save()
    return stand_in
