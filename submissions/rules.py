"""Who may do what with an entry, and when (django-rules, on `contest.deadlines` and `contest.rules`).

Each permission is a function of (person, object, moment) that answers a
`Verdict` with its reason: services ask it with the time they were given and
raise the reason; views and templates ask `has_perm`, which asks the same
function for this moment. An entrant sees and changes only their own
entries; the contest's organizers may also open an entry's files.
"""

from datetime import datetime

import rules
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contest import deadlines
from contest.deadlines import ALLOWED, Verdict, refused
from contest.models import Registration
from contest.registration import must_accept_rules_again
from contest.rules import at_now, is_organizer, organizes_contest

from .enums import ENTRY_TRANSITIONS, EntryStatus
from .models import Entry, MediaAsset


def _owns(user, entry) -> bool:
    return bool(entry is not None and getattr(user, "is_authenticated", False) and entry.entrant_id == user.pk)


def _not_yours() -> Verdict:
    return refused(_("This is not your entry."))


def move_allowed(entry, to: str) -> Verdict:
    """The entry's transition table (`ENTRY_TRANSITIONS`), in words."""
    if to in ENTRY_TRANSITIONS[entry.status]:
        return ALLOWED
    return refused(
        _("An entry that is “%(state)s” cannot become “%(to)s”.")
        % {"state": entry.get_status_display(), "to": EntryStatus(to).label}
    )


def may_create_entry(user, contest, *, now: datetime) -> Verdict:
    """A registered, eligible entrant, while entries are open, below the contest's limit of entries each."""
    if not getattr(user, "is_authenticated", False):
        return refused(_("Sign in to create an entry."))
    registration = Registration.objects.filter(contest=contest, user=user).only("status", "rules_version").first()
    if registration is None:
        return refused(_("Register for the contest before you create an entry."))
    if not registration.may_enter:
        return refused(_("Your registration does not allow you to enter: your registration page says why."))
    if must_accept_rules_again(registration=registration, contest=contest):
        return _new_rules()
    if not (open_ := deadlines.entries_open(contest, now)):
        return open_
    limit = contest.max_entries_per_entrant
    if limit is not None:
        active = Entry.objects.filter(contest=contest, entrant=user).exclude(status=EntryStatus.WITHDRAWN).count()
        if active >= limit:
            return refused(
                ngettext(
                    "This contest takes at most %(limit)s entry from each entrant, and you have it already.",
                    "This contest takes at most %(limit)s entries from each entrant, and you have them already.",
                    limit,
                )
                % {"limit": limit}
                + " "
                + _("Withdraw one to make room for a new one.")
            )
    return ALLOWED


def may_use_category(user, category, *, besides=None) -> Verdict:
    """Room in the category for one more of the person's entries (`besides`: the entry moving into it)."""
    if category is None or category.max_entries_per_entrant is None:
        return ALLOWED
    others = Entry.objects.filter(category=category, entrant=user).exclude(status=EntryStatus.WITHDRAWN)
    if besides is not None:
        others = others.exclude(pk=besides.pk)
    if others.count() < category.max_entries_per_entrant:
        return ALLOWED
    return refused(
        ngettext(
            "“%(category)s” takes at most %(limit)s entry from each entrant, and you have it already.",
            "“%(category)s” takes at most %(limit)s entries from each entrant, and you have them already.",
            category.max_entries_per_entrant,
        )
        % {"category": category.title, "limit": category.max_entries_per_entrant}
        + " "
        + _("Choose another category, or withdraw an entry in this one.")
    )


def may_change_entry(user, entry, *, now: datetime) -> Verdict:
    """Edit the entry, its team and its release forms and captions: the owner, on a draft, while entries are open."""
    if not _owns(user, entry):
        return _not_yours()
    if entry.status != EntryStatus.DRAFT:
        return refused(_("Only a draft can be changed. Take the entry back to a draft first."))
    return deadlines.entries_open(entry.contest, now)


def may_upload(user, entry, *, now: datetime, started_at: datetime | None = None) -> Verdict:
    """Send the entry's file: a new upload while entries are open; one under way (`started_at`) also in grace."""
    if not _owns(user, entry):
        return _not_yours()
    if entry.status != EntryStatus.DRAFT:
        return refused(_("Files can be added to a draft only. Take the entry back to a draft first."))
    return deadlines.uploads_open(entry.contest, now, started_at=started_at)


def may_continue_upload(user, upload, *, now: datetime) -> Verdict:
    """Send more bytes of an upload under way: its owner, within the grace period if it started in time."""
    if upload is None or not getattr(user, "is_authenticated", False) or upload.owner_id != user.pk:
        return refused(_("There is no such upload."))
    return may_upload(user, upload.entry, now=now, started_at=upload.created_at)


def file_started_at(entry) -> datetime | None:
    """When the upload of the entry's current file began (for the grace period), if it came by upload."""
    return (
        MediaAsset.objects.current().filter(entry=entry)
        .values_list("upload__created_at", flat=True)
        .first()
    )


def may_submit_entry(user, entry, *, now: datetime) -> Verdict:
    if not _owns(user, entry):
        return _not_yours()
    if not (move := move_allowed(entry, EntryStatus.SUBMITTED)):
        return move
    registration = Registration.objects.filter(contest=entry.contest, user=user).only("rules_version").first()
    if registration and must_accept_rules_again(registration=registration, contest=entry.contest):
        return _new_rules()
    return deadlines.submissions_open(entry.contest, now, file_started_at=file_started_at(entry))


def _new_rules() -> Verdict:
    return refused(
        _("The organizers have published a new version of the rules. Accept it on the contest's registration page, "
          "then come back: your entries are kept.")
    )


def may_unsubmit_entry(user, entry, *, now: datetime) -> Verdict:
    """Take a submitted entry back to a draft to change it: only while entries are open."""
    if not _owns(user, entry):
        return _not_yours()
    if not (move := move_allowed(entry, EntryStatus.DRAFT)):
        return move
    return deadlines.entries_open(entry.contest, now)


def may_withdraw_entry(user, entry, *, now: datetime) -> Verdict:
    """Withdraw: the owner, at any time until the contest is archived."""
    if not _owns(user, entry):
        return _not_yours()
    if not (move := move_allowed(entry, EntryStatus.WITHDRAWN)):
        return move
    if deadlines.archived(entry.contest):
        return refused(_("This contest is archived: nothing in it can change any more."))
    return ALLOWED


@rules.predicate
def owns_entry(user, entry) -> bool:
    return _owns(user, entry)


@rules.predicate
def organizes_entry_contest(user, entry) -> bool:
    return entry is not None and is_organizer(user, entry.contest_id)


rules.add_perm("submissions.view_entry", owns_entry)
rules.add_perm("submissions.view_entry_files", owns_entry | organizes_entry_contest)
rules.add_perm("submissions.create_entry", at_now(may_create_entry))
rules.add_perm("submissions.change_entry", at_now(may_change_entry))
rules.add_perm("submissions.upload", at_now(may_upload))
rules.add_perm("submissions.continue_upload", at_now(may_continue_upload))
rules.add_perm("submissions.submit_entry", at_now(may_submit_entry))
rules.add_perm("submissions.unsubmit_entry", at_now(may_unsubmit_entry))
rules.add_perm("submissions.withdraw_entry", at_now(may_withdraw_entry))
# The processing page: the queues (shared by every contest on the site) and this contest's stuck jobs.
rules.add_perm("submissions.view_processing", organizes_contest)
