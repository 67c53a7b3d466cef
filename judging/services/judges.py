"""Judges: invitations by signed link, their details for a contest, panels, and declared conflicts of interest."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from contest import audit
from contest.enums import Role
from contest.models import Contest, ContestRole
from contest.rules import forget_roles, is_judge
from submissions.models import Entry

from ..enums import AuditAction, ConflictKind, RoundState
from ..models import ConflictOfInterest, JudgeInvitation, JudgeProfile, PanelMember, Round
from .assigning import drop_unstarted_work, rebalance, release_conflicted_work
from .common import JudgingRefused, locked_round, managed_round, require_organizer, require_state

INVITATION_SALT = "voices.judge-invitation"
INVITATION_MAX_AGE = 30 * 24 * 60 * 60
# The page the emailed link opens; the judging UI names it.
INVITATION_URL_NAME = "judging:invitation"


def invitation_token(invitation: JudgeInvitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_for_token(token: str) -> JudgeInvitation | None:
    """The invitation a link names, if the link is genuine, not expired, and the invitation still stands."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        JudgeInvitation.objects.select_related("contest", "round")
        .filter(pk=data.get("invitation"), revoked_at__isnull=True)
        .first()
    )


def invitation_link(invitation: JudgeInvitation) -> str:
    token = invitation_token(invitation)
    try:
        path = reverse(INVITATION_URL_NAME, kwargs={"token": token})
    except NoReverseMatch:  # the page arrives with the judging UI; the token is the same
        path = f"/judging/invitation/{token}/"
    return settings.SITE_URL + path


@transaction.atomic
def invite_judge(
    *, contest: Contest, email: str, by: User, now: datetime, round: Round | None = None, language: str = "en"
) -> JudgeInvitation:
    require_organizer(by, contest)
    email = User.objects.normalize_email(email.strip())
    if round is not None and round.contest_id != contest.pk:
        raise JudgingRefused(_("That round belongs to another contest."))
    if JudgeInvitation.objects.filter(
        contest=contest, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise JudgingRefused(_("%(email)s has been invited already and has not answered yet.") % {"email": email})
    invitation = JudgeInvitation.objects.create(
        contest=contest, round=round, email=email, language=language, invited_by=by, invited_at=now
    )
    audit.record(
        action=AuditAction.JUDGE_INVITED, obj=invitation, actor=by, contest=contest, before=None,
        after={"email": email, "round": round.pk if round else None}, at=now,
    )
    link = invitation_link(invitation)
    with translation.override(language):
        context = {"contest": contest, "round": round, "link": link, "invited_by": by}
        subject = render_to_string("judging/email/invitation_subject.txt", context).strip()
        body = render_to_string("judging/email/invitation_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: JudgeInvitation, by: User, now: datetime) -> JudgeInvitation:
    invitation = JudgeInvitation.objects.select_for_update(of=("self",)).select_related("contest").get(pk=invitation.pk)
    require_organizer(by, invitation.contest)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            action=AuditAction.JUDGE_INVITED, obj=invitation, actor=by, contest=invitation.contest_id,
            before={"revoked_at": None}, after={"revoked_at": now}, at=now,
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *, invitation: JudgeInvitation, user: User, country: str, organisation: str, now: datetime
) -> JudgeProfile:
    """The invited person (signed in, perhaps with a new account) becomes a judge of the contest."""
    invitation = JudgeInvitation.objects.select_for_update(of=("self",)).select_related("round").get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise JudgingRefused(_("This invitation was withdrawn by the organizers."))
    if invitation.accepted_at is not None and invitation.accepted_by_id != user.pk:
        raise JudgingRefused(_("This invitation has been used by someone else. Ask the organizers for a new one."))
    ContestRole.objects.get_or_create(contest_id=invitation.contest_id, user=user, role=Role.JUDGE)
    forget_roles(user)
    invitation.accepted_at, invitation.accepted_by = invitation.accepted_at or now, user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        action=AuditAction.JUDGE_JOINED, obj=invitation, actor=user, contest=invitation.contest_id,
        before=None, after={"judge": user.pk}, at=now,
    )
    profile = save_judge_profile(
        contest=invitation.contest, judge=user, country=country, organisation=organisation, now=now
    )
    if invitation.round is not None and invitation.round.state != RoundState.CLOSED:
        _seat(locked_round(invitation.round), user, user, now)  # the invitation is the organizers' leave
    return profile


@transaction.atomic
def save_judge_profile(
    *, contest: Contest, judge: User, country: str, organisation: str, now: datetime
) -> JudgeProfile:
    """A judge's country and organisation for this contest; assignments they now conflict with are reassigned."""
    if not is_judge(judge, contest.pk):
        raise JudgingRefused(_("Only the contest's judges give these details."))
    profile, _created = JudgeProfile.objects.select_for_update().get_or_create(contest=contest, judge=judge)
    before = audit.snapshot(profile, ("country", "organisation")) if not _created else None
    profile.country, profile.organisation = country or "", organisation.strip()
    profile.save()
    audit.record(
        action=AuditAction.JUDGE_PROFILE, obj=profile, actor=judge, contest=contest, before=before,
        after=audit.snapshot(profile, ("country", "organisation")), at=now,
    )
    release_conflicted_work(contest_id=contest.pk, judge=judge, by=judge, now=now)
    return profile


@transaction.atomic
def add_to_panel(*, round: Round, judge: User, by: User, now: datetime) -> PanelMember:
    return _seat(managed_round(round, by), judge, by, now)


def _seat(round_: Round, judge: User, by: User, now: datetime) -> PanelMember:
    """Put a judge on a round's panel: by an organizer, or by the judge on an organizer's invitation to it."""
    require_state(round_, RoundState.DRAFT, RoundState.OPEN)
    if not is_judge(judge, round_.contest_id):
        raise JudgingRefused(_("%(person)s is not a judge of this contest: invite them first.") % {"person": judge})
    member, created = PanelMember.objects.select_for_update().get_or_create(
        round=round_, judge=judge, defaults={"joined_at": now}
    )
    if not created and member.left_at is None:
        return member
    member.left_at, member.joined_at = None, now
    member.save(update_fields=["left_at", "joined_at"])
    audit.record(
        action=AuditAction.PANEL_JOINED, obj=member, actor=by, contest=round_.contest_id, before=None,
        after={"round": round_.pk, "judge": judge.pk}, at=now,
    )
    return member


@transaction.atomic
def remove_from_panel(*, round: Round, judge: User, by: User, now: datetime, reassign: bool = True) -> PanelMember:
    """A judge leaves a round: their submitted scores stay, the rest is shared among the others again."""
    round_ = managed_round(round, by)
    member = PanelMember.objects.select_for_update().filter(round=round_, judge=judge, left_at__isnull=True).first()
    if member is None:
        raise JudgingRefused(_("%(judge)s is not on this round's panel.") % {"judge": judge})
    member.left_at = now
    member.save(update_fields=["left_at"])
    audit.record(
        action=AuditAction.PANEL_LEFT, obj=member, actor=by, contest=round_.contest_id,
        before={"round": round_.pk, "judge": judge.pk}, after={"left_at": now}, at=now,
    )
    if round_.state != RoundState.CLOSED:
        drop_unstarted_work(round_, judge, by=by, now=now)
        if reassign:
            rebalance(round=round_, by=by, now=now)
    return member


@transaction.atomic
def declare_conflict(
    *,
    contest: Contest,
    judge: User,
    by: User,
    now: datetime,
    entrant: User | None = None,
    entry: Entry | None = None,
    kind: str = ConflictKind.DECLARED,
    note: str = "",
) -> ConflictOfInterest:
    """Record a conflict (the judge's own, or one an organizer knows of); held work it forbids is reassigned."""
    if entrant is None and entry is None:
        raise JudgingRefused(_("Say which entrant or entry the conflict is with."))
    if entry is not None and entry.contest_id != contest.pk:
        raise JudgingRefused(_("That entry belongs to another contest."))
    if kind not in ConflictKind.values:
        raise JudgingRefused(_("Choose the kind of conflict."))
    conflict = ConflictOfInterest.objects.create(
        contest=contest, judge=judge, entrant=entrant, entry=entry, kind=kind, note=note.strip(),
        recorded_by=by, recorded_at=now,
    )
    audit.record(
        action=AuditAction.CONFLICT_RECORDED, obj=conflict, actor=by, contest=contest, before=None,
        after={
            "judge": judge.pk, "entrant": entrant.pk if entrant else None, "entry": entry.pk if entry else None,
            "kind": kind, "note": conflict.note,
        },
        at=now,
    )
    release_conflicted_work(contest_id=contest.pk, judge=judge, by=by, now=now)
    return conflict


@transaction.atomic
def remove_conflict(*, conflict: ConflictOfInterest, by: User, now: datetime) -> None:
    audit.record(
        action=AuditAction.CONFLICT_REMOVED, obj=conflict, actor=by, contest=conflict.contest_id,
        before={"judge": conflict.judge_id, "entrant": conflict.entrant_id, "entry": conflict.entry_id,
                "kind": conflict.kind}, after=None, at=now,
    )
    conflict.delete()
