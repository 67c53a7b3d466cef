"""Every change to a contest's results, each in a transaction that writes its audit event (contest.audit)."""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname as localized

from accounts.models import User
from contest import audit, deadlines
from contest.enums import ContestStatus
from contest.models import Category, Contest, Theme
from contest.services import IllegalTransition, change_contest_status
from judging.enums import ScreeningOutcome
from judging.models import Criterion, Score
from submissions import files
from submissions.enums import AttachmentKind, EntryStatus
from submissions.models import Attachment, Entry, MediaAsset, Rendition, of_current_file

from . import selectors
from .enums import PLACES, AuditAction, AwardKind, NotificationKind, NotificationStatus, TieBreakStep
from .models import (
    Award,
    ContestResults,
    FeedbackModeration,
    Notification,
    PublishedFile,
    TieDecision,
    WinnerVerification,
)

logger = logging.getLogger(__name__)
AWARD_FIELDS = ("kind", "entry", "theme", "category", "position",
                *(localized(field, code) for field in ("name", "citation") for code in settings.LANGUAGE_CODES))
RESULTS_FIELDS = ("tie_break", "tie_break_criterion", "shortlist_size", "include_feedback", "announce_at",
                  "announced_at", "retention_days")


class ResultsRefused(Exception):
    """The organizer asked for something the results rules do not allow; `messages` say why and what to do."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def _locked_results(contest: Contest, *, by: User | None = None) -> ContestResults:
    """The contest's results, locked; with `by`, for a change only its organizers may make."""
    if by is not None:
        _require_organizer(by, contest)
    ContestResults.objects.get_or_create(contest=contest)
    return ContestResults.objects.select_for_update().select_related("contest").get(contest=contest)


def _require_organizer(by: User, contest: Contest) -> None:
    """The services ask the same rule as the results pages (`results.manage_results`)."""
    if not by.has_perm("results.manage_results", contest):
        raise ResultsRefused(_("Only the contest's organizers can do this."))


def _refuse_if_archived(contest: Contest) -> None:
    if deadlines.archived(contest):
        raise ResultsRefused(_("This contest is archived: its results can no longer change."))


def _require_open_results(results: ContestResults) -> None:
    _refuse_if_archived(results.contest)
    if results.announced_at:
        raise ResultsRefused(_("The results have been announced: the awards can no longer change."))


def _unschedule(results: ContestResults) -> None:
    """A change to what would be announced takes the announcement off the calendar: the organizer checks the
    results again and schedules anew (the eta task finds no time and does nothing)."""
    if results.announce_at is not None:
        results.announce_at = None
        results.save(update_fields=["announce_at"])


def _record_results(results: ContestResults, action: str, before: dict | None, by: User | None,
                    now: datetime) -> None:
    audit.record(action=action, obj=results, actor=by, contest=results.contest_id, before=before,
                 after=audit.snapshot(results, RESULTS_FIELDS), at=now)


# --- Deciding ------------------------------------------------------------------------------------------------
@transaction.atomic
def declare_tie_break(*, contest: Contest, steps: list[str], criterion: Criterion | None, by: User,
                      now: datetime) -> ContestResults:
    """Declare how ties are broken, before judging: refused once a round of the contest has opened."""
    results = _locked_results(contest, by=by)
    _refuse_if_archived(results.contest)
    if selectors.tie_break_locked(contest):
        raise ResultsRefused(
            _("Judging has started, so the tie-break rule declared before it stands and cannot change now.")
        )
    if not steps:
        raise ResultsRefused(_("Choose at least one step for breaking ties."))
    if len(set(steps)) != len(steps) or any(step not in TieBreakStep.values for step in steps):
        raise ResultsRefused(_("Each step may appear once; choose the steps from the list."))
    if TieBreakStep.CRITERION_MEAN in steps:
        if criterion is None:
            raise ResultsRefused(_("Name the criterion whose mean breaks ties, or remove that step."))
        if criterion.round.contest_id != contest.pk:
            raise ResultsRefused(_("That criterion belongs to another contest."))
    else:
        criterion = None
    before = audit.snapshot(results, RESULTS_FIELDS)
    results.tie_break = list(steps)
    results.tie_break_criterion = criterion
    results.tie_break_declared_by, results.tie_break_declared_at = by, now
    results.save()
    _record_results(results, AuditAction.TIE_BREAK_DECLARED, before, by, now)
    return results


@transaction.atomic
def decide_tie(*, contest: Contest, entries: list[Entry], reason: str, by: User, now: datetime) -> list[TieDecision]:
    """Record an organizer's order for entries the declared steps left level, with the reason."""
    results = _locked_results(contest, by=by)
    _require_open_results(results)
    if TieBreakStep.ORGANIZER not in results.steps:
        raise ResultsRefused(_("The declared rule does not leave ties to an organizer; they stand as ex aequo."))
    if not reason.strip():
        raise ResultsRefused(_("Give the reason for this order: it is kept with the decision."))
    if len(entries) < 2 or len({e.pk for e in entries}) != len(entries):
        raise ResultsRefused(_("Put each of the tied entries in order once."))
    TieDecision.objects.filter(contest=contest, entry__in=entries).delete()
    standings = selectors.final_standings(contest=contest)
    wanted = {e.pk for e in entries}
    if not any(wanted == {row.entry_id for row in group} for group in standings.ties):
        raise ResultsRefused(_("These entries are not tied with each other; reload the page to see the ties."))
    _unschedule(results)
    decisions = [
        TieDecision.objects.create(contest=contest, entry=entry, position=position, reason=reason.strip(),
                                   decided_by=by, decided_at=now)
        for position, entry in enumerate(entries, start=1)
    ]
    audit.record(action=AuditAction.TIE_DECIDED, object_type="contest", object_id=contest.pk, actor=by,
                 contest=contest, before=None,
                 after={"order": [e.pk for e in entries], "reason": reason.strip()}, at=now)
    return decisions


def _check_award_entry(contest: Contest, entry: Entry) -> None:
    if entry.contest_id != contest.pk:
        raise ResultsRefused(_("That entry belongs to another contest."))
    if entry.status != EntryStatus.SUBMITTED:
        raise ResultsRefused(_("Only a submitted entry can win an award; this one was withdrawn or is a draft."))
    screening = getattr(entry, "screening", None)
    if screening is None or screening.outcome != ScreeningOutcome.ELIGIBLE:
        raise ResultsRefused(_("Only an entry screened eligible can win an award."))


@transaction.atomic
def give_award(*, contest: Contest, entry: Entry, kind: str, by: User, now: datetime, theme: Theme | None = None,
               category: Category | None = None, texts: dict[str, str] | None = None,
               position: int = 0) -> Award:
    """Give an award; `texts` holds name_<lang> and citation_<lang> values. One winner (second, third) per scope."""
    results = _locked_results(contest, by=by)
    _require_open_results(results)
    _check_award_entry(contest, entry)
    if kind not in AwardKind.values:
        raise ResultsRefused(_("Choose the kind of award from the list."))
    if theme is not None and category is not None:
        raise ResultsRefused(_("An award is for the whole contest, one theme or one category: choose one."))
    if theme is not None and (theme.contest_id != contest.pk or entry.theme_id != theme.pk):
        raise ResultsRefused(_("The entry is not in that theme."))
    if category is not None and (category.contest_id != contest.pk or entry.category_id != category.pk):
        raise ResultsRefused(_("The entry is not in that category."))
    # Also the database's constraint, except on SQLite, which cannot treat empty scopes as equal.
    if kind in PLACES and Award.objects.filter(contest=contest, kind=kind, theme=theme, category=category).exists():
        raise ResultsRefused(_("This place is already awarded in this scope. Withdraw that award first."))
    texts = texts or {}
    if kind == AwardKind.SPECIAL and not texts.get("name_en", "").strip():
        raise ResultsRefused(_("Give the special prize its name, at least in English."))
    award = Award(contest=contest, entry=entry, kind=kind, theme=theme, category=category, position=position,
                  decided_by=by, decided_at=now)
    for field, value in texts.items():
        if field.split("_", 1)[0] in ("name", "citation") and field in AWARD_FIELDS:
            setattr(award, field, value.strip())
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError:
        if kind in PLACES:
            raise ResultsRefused(
                _("This place is already awarded in this scope. Withdraw that award first.")
            ) from None
        raise ResultsRefused(_("This entry already has this award.")) from None
    _unschedule(results)
    audit.record(action=AuditAction.AWARD_GIVEN, obj=award, actor=by, contest=contest, before=None,
                 after=audit.snapshot(award, AWARD_FIELDS), at=now)
    return award


@transaction.atomic
def change_citation(*, award: Award, texts: dict[str, str], by: User, now: datetime) -> Award:
    results = _locked_results(award.contest, by=by)
    _require_open_results(results)
    award = Award.objects.select_for_update().get(pk=award.pk)
    before = audit.snapshot(award, AWARD_FIELDS)
    for field, value in texts.items():
        if field in AWARD_FIELDS and field.split("_", 1)[0] in ("name", "citation"):
            setattr(award, field, value.strip())
    award.save()
    audit.record(action=AuditAction.AWARD_CHANGED, obj=award, actor=by, contest=award.contest_id, before=before,
                 after=audit.snapshot(award, AWARD_FIELDS), at=now)
    return award


@transaction.atomic
def withdraw_award(*, award: Award, by: User, now: datetime) -> None:
    results = _locked_results(award.contest, by=by)
    _require_open_results(results)
    before = audit.snapshot(award, AWARD_FIELDS)
    award_id, contest_id = award.pk, award.contest_id
    award.delete()
    _unschedule(results)
    audit.record(action=AuditAction.AWARD_WITHDRAWN, object_type="award", object_id=award_id, actor=by,
                 contest=contest_id, before=before, after=None, at=now)


@transaction.atomic
def verify_winner(*, entry: Entry, identity_checked: bool, age_checked: bool, publish_name: bool,
                  publish_country: bool, note: str, by: User, now: datetime, document=None) -> WinnerVerification:
    """Record the organizer's check of an awarded entrant; once identity and age are checked the identity
    document (if one was uploaded for it) is deleted, and only the fact that it was seen is kept."""
    results = _locked_results(entry.contest, by=by)
    _require_open_results(results)
    if not Award.objects.filter(entry=entry).exists():
        raise ResultsRefused(_("Only an entrant with an award is verified."))
    verification, _created = WinnerVerification.objects.select_for_update().get_or_create(entry=entry)
    before = audit.snapshot(verification, ("identity_checked", "age_checked", "publish_name", "publish_country",
                                           "verified_at"))
    verification.identity_checked, verification.age_checked = identity_checked, age_checked
    verification.publish_name, verification.publish_country = publish_name, publish_country
    verification.note = note.strip()
    if document is not None and not (identity_checked and age_checked):
        if verification.document:
            verification.document.delete(save=False)
        verification.document.save(f"verification/{secrets.token_hex(16)}", document, save=False)
    if identity_checked and age_checked:
        verification.verified_by, verification.verified_at = by, now
        if verification.document:
            name = verification.document.name
            storage = verification.document.storage
            verification.document = ""
            verification.document_deleted_at = now
            # Deleted after the commit, so a rolled-back check does not lose a document still needed.
            transaction.on_commit(lambda: storage.delete(name))
    else:
        verification.verified_by, verification.verified_at = None, None
        _unschedule(results)
    verification.save()
    audit.record(
        action=AuditAction.WINNER_VERIFIED, obj=verification, actor=by, contest=entry.contest_id, before=before,
        after=audit.snapshot(verification, ("identity_checked", "age_checked", "publish_name", "publish_country",
                                            "verified_at", "document_deleted_at")),
        at=now,
    )
    return verification


@transaction.atomic
def moderate_feedback(*, score: Score, approved: bool, text: str, by: User, now: datetime) -> FeedbackModeration:
    contest_id = score.assignment.round.contest_id
    _require_organizer(by, contest_id)
    moderation, _created = FeedbackModeration.objects.update_or_create(
        score=score,
        defaults={"approved": approved, "text": text.strip() if approved else "", "moderated_by": by,
                  "moderated_at": now},
    )
    audit.record(action=AuditAction.FEEDBACK_MODERATED, obj=moderation, actor=by, contest=contest_id,
                 before=None, after={"approved": approved}, at=now)
    return moderation


@transaction.atomic
def change_settings(*, contest: Contest, shortlist_size: int, include_feedback: bool, retention_days: int | None,
                    by: User, now: datetime) -> ContestResults:
    results = _locked_results(contest, by=by)
    _refuse_if_archived(results.contest)
    before = audit.snapshot(results, RESULTS_FIELDS)
    if results.announced_at and (shortlist_size != results.shortlist_size
                                 or include_feedback != results.include_feedback):
        raise ResultsRefused(_("The results have been announced: the exhibition and the emails are settled."))
    results.shortlist_size, results.include_feedback = shortlist_size, include_feedback
    results.retention_days = retention_days
    results.save()
    _record_results(results, AuditAction.RETENTION_SET, before, by, now)
    return results


# --- Announcing ------------------------------------------------------------------------------------------------
@transaction.atomic
def schedule_announcement(*, contest: Contest, at: datetime, by: User, now: datetime) -> ContestResults:
    """Set the moment the results become public; the eta task and the beat sweep both announce at it."""
    results = _locked_results(contest, by=by)
    _require_open_results(results)
    if at <= now:
        raise ResultsRefused(_("Choose a time in the future for the announcement."))
    if contest.status not in (ContestStatus.CLOSED, ContestStatus.JUDGING):
        raise ResultsRefused(_("The contest must be closed to entries before its results are announced."))
    if not Award.objects.filter(contest=contest).exists():
        raise ResultsRefused(_("Give at least one award before scheduling the announcement."))
    if unverified := selectors.unverified_award_entries(contest=contest):
        raise ResultsRefused(
            _("Verify every awarded entrant first: %(references)s.")
            % {"references": ", ".join(e.reference for e in unverified)}
        )
    if selectors.final_standings(contest=contest).needs_decision:
        raise ResultsRefused(_("Some entries are still tied: decide their order, with a reason, first."))
    before = audit.snapshot(results, RESULTS_FIELDS)
    results.announce_at, results.scheduled_by, results.scheduled_at = at, by, now
    results.save()
    _record_results(results, AuditAction.ANNOUNCEMENT_SCHEDULED, before, by, now)
    from . import tasks

    transaction.on_commit(lambda: tasks.announce_contest.apply_async((contest.pk,), eta=at))
    return results


def publish_winner_files(*, contest: Contest, now: datetime) -> int:
    """Copy each verified winner's renditions and captions to public storage; safe to repeat. Returns how many
    files were copied this time. Everything else stays private."""
    public_root = f"{contest.slug}/{secrets.token_hex(8)}"
    copied = 0
    entries = Entry.objects.filter(awards__contest=contest, winner_verification__verified_at__isnull=False).distinct()
    renditions = Rendition.objects.filter(
        of_current_file(), asset__entry__in=entries, published__isnull=True
    ).select_related("asset")
    captions = Attachment.objects.filter(entry__in=entries, kind=AttachmentKind.CAPTION, published__isnull=True)
    sources = [(r, r.asset.entry_id, r.spec, r.content_type) for r in renditions]
    sources += [(a, a.entry_id, f"captions-{a.language}.vtt", "text/vtt") for a in captions]
    for source, entry_id, name, content_type in sources:
        with source.file.storage.open(source.file.name, "rb") as handle:
            published = PublishedFile(entry_id=entry_id, content_type=content_type, published_at=now)
            if isinstance(source, Rendition):
                published.rendition = source
            else:
                published.attachment = source
            published.file.save(f"{public_root}/{entry_id}/{name}", File(handle), save=False)
        try:
            with transaction.atomic():
                published.save()
        except IntegrityError:  # another run published it meanwhile; its copy stands
            published.file.storage.delete(published.file.name)
            continue
        copied += 1
    ContestResults.objects.filter(contest=contest, files_published_at__isnull=True).update(files_published_at=now)
    return copied


@transaction.atomic
def _mark_announced(contest_id: int, now: datetime) -> bool:
    results = ContestResults.objects.select_for_update().select_related("contest").get(contest_id=contest_id)
    if results.announced_at or results.announce_at is None or results.announce_at > now:
        return False
    contest = results.contest
    try:
        if contest.status == ContestStatus.CLOSED:
            change_contest_status(contest=contest, to=ContestStatus.JUDGING, now=now)
        if contest.status != ContestStatus.ANNOUNCED:
            change_contest_status(contest=contest, to=ContestStatus.ANNOUNCED, now=now)
    except IllegalTransition:
        logger.warning("Contest %s could not be announced from its status %s", contest.pk, contest.status)
        return False
    before = audit.snapshot(results, RESULTS_FIELDS)
    results.announced_at = now
    results.save(update_fields=["announced_at"])
    _record_results(results, AuditAction.ANNOUNCED, before, None, now)
    return True


def announce(*, contest_id: int, now: datetime) -> bool:
    """Announce the contest if its time has come: publish the winners' files, make it "announced", prepare the
    notifications. Every step is safe to repeat, so the eta task and the beat sweep may both run it."""
    results = ContestResults.objects.filter(contest_id=contest_id).select_related("contest").first()
    if results is None or results.announce_at is None or results.announce_at > now:
        return False
    # Files first: the gallery must not show before its videos are there.
    if results.files_published_at is None:
        publish_winner_files(contest=results.contest, now=now)
    announced = _mark_announced(contest_id, now)
    prepare_notifications(contest=results.contest, now=now)
    return announced


def due_contest_ids(*, now: datetime) -> list[int]:
    """Contests whose announcement time has passed and that are not fully announced yet."""
    from django.db.models import Q

    return list(
        ContestResults.objects.filter(announce_at__lte=now)
        .filter(Q(announced_at__isnull=True) | Q(notifications_created_at__isnull=True))
        .values_list("contest_id", flat=True)
    )


# --- Notifications --------------------------------------------------------------------------------------------
def prepare_notifications(*, contest: Contest, now: datetime) -> int:
    """One result notification per entrant with a submitted entry (their best outcome); repeating adds none."""
    results = selectors.results_for(contest)
    if not results.announced_at:
        return 0
    entries = Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED).values_list("pk", "entrant_id")
    by_entrant: dict[int, set[int]] = {}
    for entry_id, entrant_id in entries:
        by_entrant.setdefault(entrant_id, set()).add(entry_id)
    award_entries = set(
        Award.objects.filter(contest=contest, entry__winner_verification__verified_at__isnull=False).values_list(
            "entry_id", flat=True
        )
    )
    shortlisted = selectors.shortlisted_entry_ids(contest=contest)
    languages = dict(User.objects.filter(pk__in=by_entrant).values_list("pk", "preferred_language"))
    rows = [
        Notification(
            contest=contest,
            recipient_id=entrant_id,
            kind=selectors.kind_for_entrant(award_entries=award_entries, shortlisted=shortlisted,
                                            entry_ids=entry_ids),
            language=languages.get(entrant_id) or settings.LANGUAGE_CODE,
            created_at=now,
        )
        for entrant_id, entry_ids in by_entrant.items()
    ]
    # The unique constraint is per kind; an entrant whose best outcome is settled never gets a second kind.
    existing = set(
        Notification.objects.filter(contest=contest).exclude(kind=NotificationKind.RETENTION).values_list(
            "recipient_id", flat=True
        )
    )
    made = Notification.objects.bulk_create([r for r in rows if r.recipient_id not in existing],
                                            ignore_conflicts=True)
    ContestResults.objects.filter(contest=contest, notifications_created_at__isnull=True).update(
        notifications_created_at=now
    )
    from . import tasks

    transaction.on_commit(lambda: tasks.send_result_notifications.delay(contest.pk))
    return len(made)


def claim_batch(*, contest_id: int, size: int, now: datetime) -> list[int]:
    """Take up to `size` waiting notifications for this worker: marked as being sent in one committed
    transaction, so no other run (or a retry of this one) takes them again."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(contest_id=contest_id, status=NotificationStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Notification.objects.filter(pk__in=ids).update(status=NotificationStatus.SENDING, claimed_at=now)
    return ids


def send_claimed(*, notification_ids: list[int], now: datetime) -> tuple[int, int]:
    """Send the claimed notifications; each ends sent or failed, never back to waiting. Returns (sent, failed)."""
    from .notifications import build_message

    sent = failed = 0
    for notification in Notification.objects.filter(
        pk__in=notification_ids, status=NotificationStatus.SENDING
    ).select_related("recipient", "contest"):
        try:
            build_message(notification).send()
        except Exception as error:  # noqa: BLE001 - any failure to send is recorded for the organizer to see
            Notification.objects.filter(pk=notification.pk).update(
                status=NotificationStatus.FAILED, error=type(error).__name__[:300]
            )
            logger.warning("Result notification %s failed: %s", notification.pk, type(error).__name__)
            failed += 1
            continue
        Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.SENT, sent_at=now)
        sent += 1
    return sent, failed


def fail_stale_sending(*, older_than: timedelta, now: datetime) -> int:
    """A notification claimed long ago and never finished lost its worker mid-send: it may or may not have left,
    so it is marked failed for an organizer to look at rather than sent twice."""
    return Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=now - older_than).update(
        status=NotificationStatus.FAILED, error="worker lost while sending"
    )


@transaction.atomic
def retry_failed(*, contest: Contest, by: User, now: datetime) -> int:
    _require_organizer(by, contest)
    count = Notification.objects.filter(contest=contest, status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING, error="", claimed_at=None
    )
    from . import tasks

    transaction.on_commit(lambda: tasks.send_result_notifications.delay(contest.pk))
    return count


# --- After the contest ---------------------------------------------------------------------------------------------
@transaction.atomic
def archive_contest(*, contest: Contest, by: User, now: datetime) -> ContestResults:
    """Make the contest read-only for good, once its results are announced (the contest's own move, audited)."""
    results = _locked_results(contest, by=by)
    if not results.announced_at:
        raise ResultsRefused(_("Announce the results before archiving the contest."))
    if not deadlines.archived(results.contest):
        change_contest_status(contest=results.contest, to=ContestStatus.ARCHIVED, by=by, now=now)
    contest.status = results.contest.status
    return results


def delete_non_winning_originals(*, contest: Contest, now: datetime) -> int:
    """When the retention period after the announcement has passed, delete the originals of entries without an
    award, and their renditions (but the shortlist's, for the exhibition), and tell their entrants; safe to repeat.
    The objects go from storage once the rows have. Returns how many originals were deleted."""
    results = selectors.results_for(contest)
    if not (results.pk and results.announced_at and results.retention_days is not None):
        return 0
    if results.originals_deleted_at or results.announced_at + timedelta(days=results.retention_days) > now:
        return 0
    # Shortlisted entries keep their renditions, which the exhibition shows; every other rendition goes too.
    shortlisted = selectors.shortlisted_entry_ids(contest=contest)
    with transaction.atomic():
        locked = _locked_results(contest)
        if locked.originals_deleted_at:
            return 0
        assets = MediaAsset.objects.filter(entry__contest=contest).exclude(entry__awards__isnull=False)
        rows = list(assets.values_list("pk", "entry_id", "entry__entrant_id", "file"))
        deleted = sum(1 for _pk, _entry, _entrant, name in rows if name)
        entrants = {entrant for _pk, _entry, entrant, name in rows if name}
        files.discard_assets(asset_ids=[pk for pk, entry, _entrant, _name in rows if entry not in shortlisted])
        files.discard_assets(asset_ids=[pk for pk, entry, _entrant, _name in rows if entry in shortlisted],
                             keep_renditions=True)
        locked.originals_deleted_at = now
        locked.save(update_fields=["originals_deleted_at"])
        languages = dict(User.objects.filter(pk__in=entrants).values_list("pk", "preferred_language"))
        Notification.objects.bulk_create(
            [
                Notification(contest=contest, recipient_id=pk, kind=NotificationKind.RETENTION,
                             language=languages.get(pk) or settings.LANGUAGE_CODE, created_at=now)
                for pk in entrants
            ],
            ignore_conflicts=True,
        )
        audit.record(action=AuditAction.ORIGINALS_DELETED, object_type="contest", object_id=contest.pk,
                     actor=None, contest=contest, before=None, after={"files": deleted}, at=now)
        from . import tasks

        transaction.on_commit(lambda: tasks.send_result_notifications.delay(contest.pk))
    return deleted
