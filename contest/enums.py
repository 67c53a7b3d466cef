"""The contest's states, media kinds and roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for entries")
    CLOSED = "closed", _("Closed")
    JUDGING = "judging", _("Judging")
    ANNOUNCED = "announced", _("Winners announced")
    ARCHIVED = "archived", _("Archived")


class ContestAuditAction(models.TextChoices):
    """The audit chain's names for a contest's moves: `contest.` and the state it moved to."""

    DRAFT = "contest.draft", _("Contest taken back to a draft")
    OPEN = "contest.open", _("Contest opened for entries")
    CLOSED = "contest.closed", _("Contest closed to entries")
    JUDGING = "contest.judging", _("Contest moved to judging")
    ANNOUNCED = "contest.announced", _("Winners announced")
    ARCHIVED = "contest.archived", _("Contest archived")


class MediaKind(models.TextChoices):
    VIDEO = "video", _("Video")
    PHOTO = "photo", _("Photography")
    ARTWORK = "artwork", _("Artwork")
    AUDIO = "audio", _("Audio")
    ESSAY = "essay", _("Essay")


class Role(models.TextChoices):
    ENTRANT = "entrant", _("Entrant")
    JUDGE = "judge", _("Judge")
    ORGANIZER = "organizer", _("Organizer")


class AgeReference(models.TextChoices):
    REGISTRATION = "registration", _("the day they register")
    SUBMISSION = "submission", _("the day they submit an entry")
    CLOSING = "closing", _("the closing date")
    FIXED = "fixed", _("a fixed date")


class RegistrationStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    AWAITING_GUARDIAN = "awaiting_guardian", _("Waiting for a parent or guardian")
    GUARDIAN_REFUSED = "guardian_refused", _("A parent or guardian refused")


class GuardianDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    CONSENTED = "consented", _("Consented")
    REFUSED = "refused", _("Refused")


class ContestSetupAction(models.TextChoices):
    """The audit chain's names for an organizer's changes to a contest's set-up."""

    CREATED = "contest.created", _("Contest created")
    COPIED = "contest.copied", _("Contest copied from another")
    CHANGED = "contest.changed", _("Contest set-up changed")
    RULES_PUBLISHED = "contest.rules_published", _("New version of the rules published")
