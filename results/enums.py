"""The choices of results: tie-break steps, kinds of award, notifications and their states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TieBreakStep(models.TextChoices):
    """One step of a declared tie-break rule, applied in the order the organizer declared them."""

    NORMALISED_MEAN = "normalised_mean", _("Higher normalised mean")
    RAW_MEAN = "raw_mean", _("Higher raw mean")
    CRITERION_MEAN = "criterion_mean", _("Higher mean on the named criterion")
    FEWER_SPREAD = "smaller_spread", _("Judges agreed more (smaller spread)")
    ORGANIZER = "organizer", _("An organizer's decision, with a recorded reason")


class AwardKind(models.TextChoices):
    WINNER = "winner", _("Winner")
    SECOND = "second", _("Second place")
    THIRD = "third", _("Third place")
    HONOURABLE = "honourable", _("Honourable mention")
    SPECIAL = "special", _("Special prize")


# The placed awards: one of each per scope (the contest, a theme or a category).
PLACES = (AwardKind.WINNER, AwardKind.SECOND, AwardKind.THIRD)


class NotificationKind(models.TextChoices):
    WINNER = "winner", pgettext_lazy("notification", "Award")
    SHORTLISTED = "shortlisted", pgettext_lazy("notification", "Shortlisted")
    PARTICIPANT = "participant", pgettext_lazy("notification", "Thank you for taking part")
    RETENTION = "retention", pgettext_lazy("notification", "Original file deleted")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("notification", "Waiting")
    SENDING = "sending", pgettext_lazy("notification", "Being sent")
    SENT = "sent", pgettext_lazy("notification", "Sent")
    FAILED = "failed", pgettext_lazy("notification", "Failed")


class AuditAction(models.TextChoices):
    TIE_BREAK_DECLARED = "results.tie_break", _("Tie-break rule declared")
    TIE_DECIDED = "results.tie_decided", _("Tie decided by an organizer")
    AWARD_GIVEN = "award.given", _("Award given")
    AWARD_CHANGED = "award.changed", _("Award changed")
    AWARD_WITHDRAWN = "award.withdrawn", _("Award withdrawn")
    WINNER_VERIFIED = "award.verified", _("Winner verified")
    FEEDBACK_MODERATED = "feedback.moderated", _("Judge feedback moderated")
    ANNOUNCEMENT_SCHEDULED = "results.scheduled", _("Announcement scheduled")
    ANNOUNCED = "results.announced", _("Results announced")
    RETENTION_SET = "results.retention", _("Retention of originals set")
    ORIGINALS_DELETED = "results.originals_deleted", _("Non-winning originals deleted")
