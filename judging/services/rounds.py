"""Rounds and their criteria: create, change, open, close, reopen; which entries are in them; advancing."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname as localized

from accounts.models import User
from contest import audit
from contest.models import Contest
from submissions.enums import EntryStatus
from submissions.models import Entry

from ..enums import AuditAction, RoundState, ScreeningOutcome
from ..models import Criterion, PanelMember, Round, RoundEntry
from .common import JudgingRefused, managed_round, require_organizer, require_state
from .results import results_changed

ROUND_FIELDS = (
    "name",
    *(localized("name", code) for code in settings.LANGUAGE_CODES),
    "blind",
    "judges_per_entry",
    "avoid_same_country",
    "disagreement_threshold",
    "opens_at",
    "closes_at",
)
ROUND_AUDIT_FIELDS = (*ROUND_FIELDS, "position", "state", "discussion_open", "reopened_count")
CRITERION_FIELDS = (
    "position",
    "name",
    *(localized("name", code) for code in settings.LANGUAGE_CODES),
    "guidance",
    *(localized("guidance", code) for code in settings.LANGUAGE_CODES),
    "weight",
    "scale_min",
    "scale_max",
)
# Changing how a round is scored once scores exist would make them mean something else.
FIXED_ONCE_OPEN = ("judges_per_entry", "avoid_same_country")


def _record(round_: Round, action: str, before: dict | None, by: User, now: datetime) -> None:
    audit.record(
        action=action,
        obj=round_,
        actor=by,
        contest=round_.contest_id,
        before=before,
        after=audit.snapshot(round_, ROUND_AUDIT_FIELDS),
        at=now,
    )


def _check_times(round_: Round) -> None:
    if round_.opens_at and round_.closes_at and round_.closes_at <= round_.opens_at:
        raise JudgingRefused(_("The closing time must be after the opening time."))
    if round_.judges_per_entry < 1:
        raise JudgingRefused(_("Each entry needs at least one judge."))


@transaction.atomic
def create_round(*, contest: Contest, data: dict, by: User, now: datetime) -> Round:
    """A new round after the contest's last one; `data` holds any of ROUND_FIELDS."""
    require_organizer(by, Contest.objects.select_for_update().get(pk=contest.pk))
    last = Round.objects.filter(contest=contest).aggregate(last=Max("position"))["last"] or 0
    round_ = Round(contest=contest, position=last + 1)
    for field in ROUND_FIELDS:
        if field in data:
            setattr(round_, field, data[field])
    if not round_.name:
        raise JudgingRefused(_("Give the round a name, such as “Jury round”."))
    _check_times(round_)
    round_.save()
    _record(round_, AuditAction.ROUND_CREATED, None, by, now)
    return round_


@transaction.atomic
def update_round(*, round: Round, data: dict, by: User, now: datetime) -> Round:
    round_ = managed_round(round, by)
    before = audit.snapshot(round_, ROUND_AUDIT_FIELDS)
    for field in ROUND_FIELDS:
        if field in data:
            if field in FIXED_ONCE_OPEN and round_.state != RoundState.DRAFT and data[field] != getattr(round_, field):
                raise JudgingRefused(
                    _("The number of judges per entry and the country rule are fixed once the round has opened.")
                )
            setattr(round_, field, data[field])
    _check_times(round_)
    round_.save()
    results_changed(round_.pk)
    _record(round_, AuditAction.ROUND_CHANGED, before, by, now)
    return round_


@transaction.atomic
def save_criterion(
    *, round: Round, data: dict, by: User, now: datetime, criterion: Criterion | None = None
) -> Criterion:
    """Add or change a criterion while the round is still being prepared."""
    round_ = managed_round(round, by)
    require_state(round_, RoundState.DRAFT)
    before = audit.snapshot(criterion, CRITERION_FIELDS) if criterion else None
    if criterion is None:
        last = round_.criteria.aggregate(last=Max("position"))["last"]
        criterion = Criterion(round=round_, position=(last or 0) + 1)
    elif criterion.round_id != round_.pk:
        raise JudgingRefused(_("That criterion belongs to another round."))
    for field in CRITERION_FIELDS:
        if field in data:
            setattr(criterion, field, data[field])
    if not criterion.name:
        raise JudgingRefused(_("Give the criterion a name, such as “Message”."))
    if criterion.scale_max <= criterion.scale_min:
        raise JudgingRefused(_("The highest score must be above the lowest."))
    if criterion.weight is None or criterion.weight <= 0:
        raise JudgingRefused(_("The weight must be above zero."))
    criterion.save()
    results_changed(round_.pk)
    audit.record(
        action=AuditAction.CRITERION_SAVED,
        obj=criterion,
        actor=by,
        contest=round_.contest_id,
        before=before,
        after=audit.snapshot(criterion, CRITERION_FIELDS) | {"round": round_.pk},
        at=now,
    )
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: Criterion, by: User, now: datetime) -> None:
    round_ = managed_round(criterion.round, by)
    require_state(round_, RoundState.DRAFT)
    before = audit.snapshot(criterion, CRITERION_FIELDS) | {"round": round_.pk}
    audit.record(
        action=AuditAction.CRITERION_DELETED, obj=criterion, actor=by, contest=round_.contest_id,
        before=before, after=None, at=now,
    )
    criterion.delete()
    results_changed(round_.pk)


def _previous_round(round_: Round) -> Round | None:
    earlier = Round.objects.filter(contest_id=round_.contest_id, position__lt=round_.position)
    return earlier.order_by("-position").first()


@transaction.atomic
def add_eligible_entries(*, round: Round, by: User, now: datetime) -> int:
    """Put every submitted entry screened eligible into the contest's first round; returns how many were added."""
    round_ = managed_round(round, by)
    if _previous_round(round_) is not None:
        raise JudgingRefused(_("Later rounds take the entries advanced from the round before."))
    require_state(round_, RoundState.DRAFT, RoundState.OPEN)
    missing = (
        Entry.objects.filter(
            contest_id=round_.contest_id,
            status=EntryStatus.SUBMITTED,
            screening__outcome=ScreeningOutcome.ELIGIBLE,
        )
        .exclude(round_entries__round=round_)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(missing)
    RoundEntry.objects.bulk_create([RoundEntry(round=round_, entry_id=pk, added_at=now) for pk in ids])
    if ids:
        results_changed(round_.pk)
        audit.record(
            action=AuditAction.ENTRIES_ADDED, obj=round_, actor=by, contest=round_.contest_id,
            before=None, after={"entries": ids}, at=now,
        )
    return len(ids)


@transaction.atomic
def open_round(*, round: Round, by: User, now: datetime) -> Round:
    round_ = managed_round(round, by)
    require_state(round_, RoundState.DRAFT)
    problems = []
    if not round_.criteria.exists():
        problems.append(_("Add at least one criterion."))
    if not PanelMember.objects.filter(round=round_, left_at__isnull=True).exists():
        problems.append(_("Add at least one judge to the panel."))
    if problems:
        raise JudgingRefused(_("The round cannot open yet."), *problems)
    if _previous_round(round_) is None:
        add_eligible_entries(round=round_, by=by, now=now)
    if not round_.round_entries.exists():
        raise JudgingRefused(_("The round cannot open yet."), _("It has no entries."))
    before = audit.snapshot(round_, ROUND_AUDIT_FIELDS)
    round_.state, round_.opened_at = RoundState.OPEN, now
    round_.save(update_fields=["state", "opened_at"])
    _record(round_, AuditAction.ROUND_OPENED, before, by, now)
    return round_


@transaction.atomic
def close_round(*, round: Round, by: User, now: datetime) -> Round:
    round_ = managed_round(round, by)
    require_state(round_, RoundState.OPEN)
    before = audit.snapshot(round_, ROUND_AUDIT_FIELDS)
    round_.state, round_.closed_at = RoundState.CLOSED, now
    round_.save(update_fields=["state", "closed_at"])
    _record(round_, AuditAction.ROUND_CLOSED, before, by, now)
    return round_


@transaction.atomic
def reopen_round(*, round: Round, by: User, now: datetime, reason: str = "") -> Round:
    round_ = managed_round(round, by)
    require_state(round_, RoundState.CLOSED)
    if Round.objects.filter(contest_id=round_.contest_id, position__gt=round_.position).exclude(
        state=RoundState.DRAFT
    ).exists():
        raise JudgingRefused(_("A later round has already opened; this one can no longer be reopened."))
    before = audit.snapshot(round_, ROUND_AUDIT_FIELDS)
    round_.state = RoundState.OPEN
    round_.reopened_count += 1
    round_.last_reopened_at = now
    round_.closed_at = None
    round_.save(update_fields=["state", "reopened_count", "last_reopened_at", "closed_at"])
    audit.record(
        action=AuditAction.ROUND_REOPENED, obj=round_, actor=by, contest=round_.contest_id, before=before,
        after=audit.snapshot(round_, ROUND_AUDIT_FIELDS) | {"reason": reason}, at=now,
    )
    return round_


@transaction.atomic
def set_discussion(*, round: Round, open: bool, by: User, now: datetime) -> Round:
    """Let judges who submitted see each other's scores (even in a blind round), or stop it."""
    round_ = managed_round(round, by)
    before = audit.snapshot(round_, ROUND_AUDIT_FIELDS)
    round_.discussion_open = open
    round_.save(update_fields=["discussion_open"])
    _record(round_, AuditAction.ROUND_DISCUSSION, before, by, now)
    return round_


@transaction.atomic
def advance_entries(
    *,
    from_round: Round,
    to_round: Round,
    by: User,
    now: datetime,
    top: int | None = None,
    entries: list[Entry] | None = None,
    by_normalised: bool = True,
) -> list[RoundEntry]:
    """Put the `top` N of a round (by normalised score unless told otherwise; ties at the cut all go) or the
    chosen `entries` into the next round."""
    from .. import selectors

    source = managed_round(from_round, by)
    target = managed_round(to_round, by)
    if target.contest_id != source.contest_id or target.position <= source.position:
        raise JudgingRefused(_("Entries advance to a later round of the same contest."))
    require_state(target, RoundState.DRAFT, RoundState.OPEN)
    in_source = {re.entry_id: re for re in RoundEntry.objects.filter(round=source)}
    if entries is not None:
        chosen = [entry.pk for entry in entries]
        if stray := [pk for pk in chosen if pk not in in_source]:
            raise JudgingRefused(
                _("Only entries of the round “%(round)s” can advance from it.") % {"round": source.name},
                ", ".join(Entry.objects.filter(pk__in=stray).values_list("reference", flat=True)),
            )
    elif top is not None and top > 0:
        results = [r for r in selectors.ranking_of(round=source) if r.scores]
        key = "normalised_rank" if by_normalised else "raw_rank"
        cut = sorted(getattr(r, key) for r in results)[:top]
        chosen = [r.entry_id for r in results if cut and getattr(r, key) <= cut[-1]]
    else:
        raise JudgingRefused(_("Say how many entries advance, or choose them."))
    already = set(RoundEntry.objects.filter(round=target, entry_id__in=chosen).values_list("entry_id", flat=True))
    created = RoundEntry.objects.bulk_create(
        [
            RoundEntry(round=target, entry_id=pk, advanced_from=in_source[pk], added_at=now)
            for pk in chosen
            if pk not in already
        ]
    )
    if created:
        results_changed(target.pk)
        audit.record(
            action=AuditAction.ENTRIES_ADVANCED, obj=target, actor=by, contest=target.contest_id, before=None,
            after={"from_round": source.pk, "entries": [re.entry_id for re in created], "top": top}, at=now,
        )
    return created
