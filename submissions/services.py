"""Every change to an entry: creating, editing, declaring, inviting co-creators, submitting, withdrawing.

Each function checks what the contest allows on the server, in a transaction,
and refuses with an `EntryRefused` that says what to do instead.
"""

import dataclasses
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from contest import audit, eligibility
from contest.deadlines import Verdict
from contest.enums import AgeReference, MediaKind
from contest.models import Contest, Registration
from contest.registration import decide_on_submission

from . import files, rules, selectors
from .enums import (
    DECLARATIONS_VERSION,
    AIUse,
    CoCreatorStatus,
    Declaration,
    EntryAuditAction,
    EntryStatus,
    FileState,
    UploadStatus,
)
from .models import CoCreator, Entry, EntryDeclaration
from .words import word_count

CO_CREATOR_LINK_SALT = "voices.co-creator"
CO_CREATOR_LINK_MAX_AGE = 30 * 24 * 60 * 60

# What an entry's audit events record of it.
AUDITED_FIELDS = ("status", "submitted_at", "withdrawn_at")

EDITABLE_FIELDS = (
    "theme",
    "category",
    "title",
    "description",
    "statement",
    "languages",
    "essay_text",
    "ai_use",
    "ai_use_details",
)


class EntryRefused(Exception):
    """The entrant asked for something the contest does not allow; `messages` say why and what to do."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def _require(verdict: Verdict) -> None:
    """A permission's refusal, raised as the entrant sees it."""
    if not verdict:
        raise EntryRefused(verdict.reason)


def _move(entry: Entry, to: str, now: datetime, by: User | None) -> None:
    """The only place an entry changes state; each move is an audit event in the same transaction."""
    _require(rules.move_allowed(entry, to))
    before = audit.snapshot(entry, AUDITED_FIELDS)
    moved_back = entry.status == EntryStatus.SUBMITTED and to == EntryStatus.DRAFT
    entry.status = to
    if to == EntryStatus.SUBMITTED:
        entry.submitted_at = now
        entry.first_submitted_at = entry.first_submitted_at or now
    elif to == EntryStatus.WITHDRAWN:
        entry.withdrawn_at = now
    entry.save()
    action = EntryAuditAction.UNSUBMITTED if moved_back else EntryAuditAction(f"entry.{to}")
    audit.record(
        action=action,
        obj=entry,
        actor=by or entry.entrant,
        contest=entry.contest_id,
        before=before,
        after=audit.snapshot(entry, AUDITED_FIELDS),
        at=now,
    )


def _locked(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("contest", "category", "entrant").get(pk=entry.pk)


def _next_reference(contest: Contest) -> str:
    """The contest's next entry number; a number once given is never given again, even if its entry goes."""
    locked = Contest.objects.select_for_update().only("pk", "reference_prefix", "last_entry_number").get(pk=contest.pk)
    locked.last_entry_number += 1
    locked.save(update_fields=["last_entry_number"])
    return f"{locked.reference_prefix}-{locked.last_entry_number:04d}"


def _record_declarations(entry: Entry, accepted: set[str], now: datetime) -> None:
    EntryDeclaration.objects.filter(entry=entry).exclude(kind__in=accepted).delete()
    for kind in accepted:
        EntryDeclaration.objects.get_or_create(
            entry=entry,
            kind=kind,
            defaults={
                "text_version": DECLARATIONS_VERSION,
                "licence_rules_version": entry.contest.rules_version if kind == Declaration.LICENCE else None,
                "accepted_at": now,
            },
        )


@transaction.atomic
def create_entry(*, contest: Contest, entrant: User, data: dict, declarations: set[str], now: datetime) -> Entry:
    _require(rules.may_create_entry(entrant, contest, now=now))
    _refuse_over_category_limit(contest, entrant, data.get("category"))
    entry = Entry(contest=contest, entrant=entrant, reference=_next_reference(contest))
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(entry, field, data[field])
    entry.save()
    _record_declarations(entry, declarations, now)
    return entry


def _refuse_over_category_limit(contest: Contest, entrant: User, category, *, besides: Entry | None = None) -> None:
    _require(rules.may_use_category(entrant, category, besides=besides))


@transaction.atomic
def update_entry(
    *, entry: Entry, data: dict, declarations: set[str], now: datetime, by: User | None = None
) -> Entry:
    entry = _locked(entry)
    _require(rules.may_change_entry(by or entry.entrant, entry, now=now))
    if "category" in data and data["category"] != entry.category:
        _refuse_over_category_limit(entry.contest, entry.entrant, data["category"], besides=entry)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(entry, field, data[field])
    entry.save()
    _record_declarations(entry, declarations, now)
    return entry


_LOOK_UP = object()


def still_to_do(entry: Entry, *, registration: Registration | None | object = _LOOK_UP) -> list[str]:
    """What must be done before the entry can be submitted, in words the entrant can act on.

    Reads the entry's declarations and co-creators through `.all()` and its file through
    `selectors.current_file` (prefetch `selectors.current_assets()`), so a
    page that prefetched them, and passes the entrant's `registration` for the
    contest (None when there is none), asks the database nothing more.
    """
    todo = []
    if registration is _LOOK_UP:
        registration = Registration.objects.filter(contest=entry.contest_id, user=entry.entrant_id).first()
    if registration is None or not registration.may_enter:
        todo.append(_("Your registration must allow you to enter: see your registration page."))
    category = entry.category
    current = selectors.current_file(entry)
    has_file = current is not None
    if current is not None and current.state == FileState.NEEDS_ACTION:
        # A file still being processed never holds an entry back on deadline night; a refused one does.
        todo.append(current.failure_message or _("Your file could not be used. Upload another one."))
    if category.media_kind == MediaKind.ESSAY:
        words = word_count(entry.essay_text)
        if not words and not has_file:
            todo.append(_("Write your essay, or upload it as a PDF."))
        elif category.max_words and words > category.max_words:
            todo.append(
                _("Your essay has %(words)s words; this category allows at most %(max)s. Shorten it.")
                % {"words": words, "max": category.max_words}
            )
        elif category.min_words and words < category.min_words:
            todo.append(
                _("Your essay has %(words)s words; this category needs at least %(min)s.")
                % {"words": words, "min": category.min_words}
            )
    elif not has_file:
        todo.append(_("Upload your file (%(kind)s).") % {"kind": category.get_media_kind_display().lower()})
    statement_words = word_count(entry.statement)
    if not statement_words:
        todo.append(_("Write your work notes: a few lines on what you made and why."))
    elif statement_words > entry.contest.statement_max_words:
        todo.append(
            _("Your work notes have %(words)s words; at most %(max)s are allowed.")
            % {"words": statement_words, "max": entry.contest.statement_max_words}
        )
    if entry.ai_use != AIUse.NONE and not entry.ai_use_details.strip():
        todo.append(_("Say which AI tools you used and how."))
    accepted = {declaration.kind for declaration in entry.declarations.all()}
    if missing := [kind for kind in Declaration.values if kind not in accepted]:
        todo.append(
            ngettext(
                "Tick the %(count)s remaining declaration.", "Tick the %(count)s remaining declarations.", len(missing)
            )
            % {"count": len(missing)}
        )
    waiting = [c.name for c in entry.co_creators.all() if c.status != CoCreatorStatus.CONFIRMED]
    if waiting:
        todo.append(
            _("Every co-creator must confirm their part. Still waiting for: %(names)s.") % {"names": ", ".join(waiting)}
        )
    return todo


def submit_entry(*, entry: Entry, now: datetime, by: User | None = None) -> Entry:
    """Submit a draft. Where the contest counts the age on the day of submitting, that day's decision is taken
    and kept first, in its own transaction, so a refusal still leaves it recorded."""
    _require(rules.may_submit_entry(by or entry.entrant, entry, now=now))  # no decision is kept for a refused move
    contest = entry.contest
    if contest.age_reference == AgeReference.SUBMISSION:
        registration = Registration.objects.filter(contest=contest, user=entry.entrant_id).first()
        if registration is not None:
            decision = decide_on_submission(registration=registration, now=now)
            if not decision.eligible:
                raise EntryRefused(*decision.reasons)
    return _submit(entry=entry, now=now, by=by)


@transaction.atomic
def _submit(*, entry: Entry, now: datetime, by: User | None) -> Entry:
    entry = _locked(entry)
    _require(rules.may_submit_entry(by or entry.entrant, entry, now=now))
    if todo := still_to_do(entry):
        raise EntryRefused(*todo)
    _move(entry, EntryStatus.SUBMITTED, now, by)
    transaction.on_commit(lambda: _send_receipt(entry.pk))
    return entry


@transaction.atomic
def unsubmit_entry(*, entry: Entry, now: datetime, by: User | None = None) -> Entry:
    """Take a submitted entry back to a draft to change it; only while entries are open."""
    entry = _locked(entry)
    _require(rules.may_unsubmit_entry(by or entry.entrant, entry, now=now))
    _move(entry, EntryStatus.DRAFT, now, by)
    return entry


@transaction.atomic
def withdraw_entry(*, entry: Entry, now: datetime, by: User | None = None) -> Entry:
    """Take the entry out for good: its files (originals, renditions, release forms, captions, unfinished uploads)
    are deleted once this commits; the row stays, for the contest's record."""
    from . import uploads

    entry = _locked(entry)
    _require(rules.may_withdraw_entry(by or entry.entrant, entry, now=now))
    _move(entry, EntryStatus.WITHDRAWN, now, by)
    files.discard_assets(asset_ids=list(entry.assets.values_list("pk", flat=True)))
    files.discard_attachments(entry_ids=[entry.pk])
    for upload in entry.uploads.filter(status=UploadStatus.RECEIVING):
        upload.status = UploadStatus.CANCELLED
        upload.save(update_fields=["status"])
        transaction.on_commit(lambda upload=upload: uploads.discard_bytes(upload))
    return entry


def has_submitted_an_entry(user: User) -> bool:
    return Entry.objects.filter(entrant=user, first_submitted_at__isnull=False).exists()


def _send_receipt(entry_pk: int) -> None:
    entry = Entry.objects.select_related("contest", "entrant").get(pk=entry_pk)
    link = settings.SITE_URL + reverse("submissions:receipt", kwargs={"reference": entry.reference})
    with translation.override(entry.entrant.preferred_language or settings.LANGUAGE_CODE):
        context = {"entry": entry, "link": link}
        subject = render_to_string("submissions/email/receipt_subject.txt", context).strip()
        body = render_to_string("submissions/email/receipt_body.txt", context)
    send_mail(subject, body, None, [entry.entrant.email])


# --- Co-creators -----------------------------------------------------------
def co_creator_token(co_creator: CoCreator) -> str:
    return signing.dumps({"co_creator": co_creator.pk}, salt=CO_CREATOR_LINK_SALT)


def co_creator_for_token(token: str) -> CoCreator | None:
    try:
        data = signing.loads(token, salt=CO_CREATOR_LINK_SALT, max_age=CO_CREATOR_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        CoCreator.objects.select_related("entry__contest", "entry__entrant").filter(pk=data.get("co_creator")).first()
    )


@transaction.atomic
def invite_co_creator(
    *, entry: Entry, name: str, email: str, date_of_birth, now: datetime, by: User | None = None
) -> CoCreator:
    entry = _locked(entry)
    _require(rules.may_change_entry(by or entry.entrant, entry, now=now))
    contest = entry.contest
    if email.lower() == entry.entrant.email.lower():
        raise EntryRefused(_("That is your own address: add the people who made the work with you."))
    if entry.co_creators.filter(email__iexact=email).exists():
        raise EntryRefused(_("%(email)s is already on this entry.") % {"email": email})
    team_size = 1 + entry.co_creators.count()
    if contest.max_team_size is not None and team_size >= contest.max_team_size:
        raise EntryRefused(
            _("Teams in this contest have at most %(size)s people, you included.") % {"size": contest.max_team_size}
        )
    rule = contest.eligibility_rule
    decision = eligibility.decide(
        dataclasses.replace(rule, countries=frozenset()),
        birth_date=date_of_birth,
        country=None,
        today=eligibility.local_date(now, contest.time_zone),
    )
    if not decision.eligible:
        raise EntryRefused(_("%(name)s cannot be on the team:") % {"name": name}, *decision.reasons)
    co_creator = CoCreator.objects.create(
        entry=entry, name=name, email=email, date_of_birth=date_of_birth, invited_at=now
    )
    link = settings.SITE_URL + reverse("submissions:co_creator", kwargs={"token": co_creator_token(co_creator)})
    with translation.override(entry.entrant.preferred_language or translation.get_language()):
        context = {"entry": entry, "co_creator": co_creator, "link": link}
        subject = render_to_string("submissions/email/co_creator_subject.txt", context).strip()
        body = render_to_string("submissions/email/co_creator_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return co_creator


@transaction.atomic
def remove_co_creator(*, co_creator: CoCreator, now: datetime, by: User | None = None) -> None:
    entry = _locked(co_creator.entry)
    _require(rules.may_change_entry(by or entry.entrant, entry, now=now))
    co_creator.delete()


@transaction.atomic
def answer_co_creator(*, co_creator: CoCreator, confirms: bool, now: datetime) -> CoCreator:
    co_creator = CoCreator.objects.select_for_update().get(pk=co_creator.pk)
    co_creator.status = CoCreatorStatus.CONFIRMED if confirms else CoCreatorStatus.DECLINED
    co_creator.answered_at = now
    co_creator.save(update_fields=["status", "answered_at"])
    return co_creator
