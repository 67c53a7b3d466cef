"""Screening: an organizer marks each submitted entry eligible or not, then releases the outcomes to entrants."""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from contest import audit
from contest.models import Contest
from submissions.enums import EntryStatus
from submissions.models import Entry

from .. import rules
from ..enums import AuditAction, IneligibleReason, ScreeningOutcome
from ..models import AISuspicion, ScreeningDecision
from .common import JudgingRefused, require_organizer

DECISION_FIELDS = ("outcome", "reason", "note", "decided_by", "decided_at", "released_at")


def _require_screener(by: User, entry: Entry, now: datetime) -> None:
    if not (verdict := rules.may_screen(by, entry, now=now)):
        raise JudgingRefused(verdict.reason)


@transaction.atomic
def decide_screening(
    *, entry: Entry, outcome: str, reason: str = "", note: str = "", by: User, now: datetime
) -> ScreeningDecision:
    """Record (or change) the decision; once released, a changed decision is told to the entrant again."""
    entry = Entry.objects.select_for_update(of=("self",)).select_related("contest").get(pk=entry.pk)
    _require_screener(by, entry, now)
    if entry.status != EntryStatus.SUBMITTED:
        raise JudgingRefused(_("Only submitted entries are screened; this one is “%(state)s”.")
                             % {"state": entry.get_status_display()})
    if outcome not in ScreeningOutcome.values:
        raise JudgingRefused(_("Choose eligible or not eligible."))
    if outcome == ScreeningOutcome.INELIGIBLE:
        if reason not in IneligibleReason.values:
            raise JudgingRefused(_("Choose the reason the entry is not eligible."))
        if reason == IneligibleReason.OTHER and not note.strip():
            raise JudgingRefused(_("Write the reason in the note: the entrant will read it."))
    else:
        reason = ""
    decision = ScreeningDecision.objects.select_for_update().filter(entry=entry).first()
    before = audit.snapshot(decision, DECISION_FIELDS) if decision else None
    was_released = decision is not None and decision.released
    if decision is None:
        decision = ScreeningDecision(entry=entry, contest_id=entry.contest_id)
    decision.outcome, decision.reason, decision.note = outcome, reason, note.strip()
    decision.decided_by, decision.decided_at = by, now
    if was_released:
        # A released outcome that changes is released again at once: the entrant must not keep a wrong answer.
        decision.released_at = now
    decision.save()
    audit.record(
        action=AuditAction.SCREENING_DECIDED,
        obj=decision,
        actor=by,
        contest=entry.contest_id,
        before=before,
        after=audit.snapshot(decision, DECISION_FIELDS) | {"entry": entry.reference},
        at=now,
    )
    if was_released and before and (before["outcome"], before["reason"]) != (outcome, reason):
        transaction.on_commit(lambda: _tell_entrant(decision.pk))
    return decision


@transaction.atomic
def release_screening(*, contest: Contest, by: User, now: datetime) -> int:
    """Tell every entrant whose entry has an unreleased decision; returns how many were released. A decision on
    an entry since withdrawn or taken back to a draft waits: its entrant is not told about an entry they took
    back (it is told if the entry is sent in again)."""
    require_organizer(by, contest)
    decisions = list(
        ScreeningDecision.objects.select_for_update(of=("self",))
        .filter(contest=contest, released_at__isnull=True, entry__status=EntryStatus.SUBMITTED)
        .order_by("pk")
    )
    for decision in decisions:
        decision.released_at = now
        decision.save(update_fields=["released_at"])
        audit.record(
            action=AuditAction.SCREENING_RELEASED,
            obj=decision,
            actor=by,
            contest=contest,
            before={"released_at": None},
            after={"released_at": now, "outcome": decision.outcome, "reason": decision.reason},
            at=now,
        )
    pks = [decision.pk for decision in decisions]
    transaction.on_commit(lambda: [_tell_entrant(pk) for pk in pks])
    return len(decisions)


@transaction.atomic
def flag_ai_suspected(*, entry: Entry, suspected: bool, note: str = "", by: User, now: datetime) -> None:
    """Mark (or unmark) an entry as looking made with AI tools its entrant did not declare."""
    _require_screener(by, entry, now)
    current = AISuspicion.objects.select_for_update().filter(entry=entry).first()
    before = {"note": current.note, "noted_by": current.noted_by_id} if current else None
    if suspected:
        current = current or AISuspicion(entry=entry)
        current.note, current.noted_by, current.noted_at = note.strip(), by, now
        current.save()
        after = {"note": current.note, "noted_by": by.pk}
    else:
        if current is None:
            return
        current.delete()
        after = None
    audit.record(
        action=AuditAction.AI_SUSPECTED, obj=entry, object_type="entry", actor=by, contest=entry.contest_id,
        before=before, after=after, at=now,
    )


def _tell_entrant(decision_pk: int) -> None:
    decision = ScreeningDecision.objects.select_related("entry__contest", "entry__entrant").get(pk=decision_pk)
    entry = decision.entry
    with translation.override(entry.entrant.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "entry": entry,
            "decision": decision,
            "eligible": decision.outcome == ScreeningOutcome.ELIGIBLE,
            "reason": decision.get_reason_display() if decision.reason else "",
        }
        subject = render_to_string("judging/email/screening_subject.txt", context).strip()
        body = render_to_string("judging/email/screening_body.txt", context)
    send_mail(subject, body, None, [entry.entrant.email])
