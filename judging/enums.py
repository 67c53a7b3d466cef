"""The states and choices of screening, rounds, conflicts of interest and scores."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScreeningOutcome(models.TextChoices):
    ELIGIBLE = "eligible", pgettext_lazy("screening outcome", "Eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("screening outcome", "Not eligible")


class IneligibleReason(models.TextChoices):
    LATE = "late", _("Sent in after the deadline")
    OFF_THEME = "off_theme", _("Not on one of the contest's themes")
    RIGHTS = "rights", _("The rights to music, footage or images used are not cleared")
    CONSENT = "consent", _("A person who can be recognised has not consented")
    AI_UNDISCLOSED = "ai_undisclosed", _("The use of AI tools was not disclosed")
    DUPLICATE = "duplicate", _("The same work was sent in more than once")
    OTHER = "other", _("Another reason")


class RoundState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("round state", "Being prepared")
    OPEN = "open", pgettext_lazy("round state", "Open for scoring")
    CLOSED = "closed", pgettext_lazy("round state", "Closed")


class ConflictKind(models.TextChoices):
    DECLARED = "declared", _("Declared by the judge")
    SAME_ORGANISATION = "same_organisation", _("Same organisation as the entrant")
    SAME_COUNTRY = "same_country", _("Same country as the entrant")
    KNOWS_ENTRANT = "knows_entrant", _("The judge knows the entrant")


class AssignmentMethod(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic")
    MANUAL = "manual", _("By an organizer")
    REASSIGNED = "reassigned", _("Reassigned after a conflict or a judge leaving")


class ScoreState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("score state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("score state", "Submitted")


class AuditAction(models.TextChoices):
    SCREENING_DECIDED = "screening.decided", _("Screening decided")
    SCREENING_RELEASED = "screening.released", _("Screening results released")
    AI_SUSPECTED = "screening.ai_suspected", _("Undisclosed AI use suspected, or the suspicion withdrawn")
    ROUND_CREATED = "round.created", _("Round created")
    ROUND_CHANGED = "round.changed", _("Round changed")
    ROUND_OPENED = "round.opened", _("Round opened")
    ROUND_CLOSED = "round.closed", _("Round closed")
    ROUND_REOPENED = "round.reopened", _("Round reopened")
    ROUND_DISCUSSION = "round.discussion", _("Discussion opened or closed")
    CRITERION_SAVED = "criterion.saved", _("Criterion saved")
    CRITERION_DELETED = "criterion.deleted", _("Criterion deleted")
    PANEL_JOINED = "panel.joined", _("Judge added to a panel")
    PANEL_LEFT = "panel.left", _("Judge left a panel")
    JUDGE_INVITED = "judge.invited", _("Judge invited")
    JUDGE_JOINED = "judge.joined", _("Judge accepted an invitation")
    JUDGE_PROFILE = "judge.profile", _("Judge details changed")
    CONFLICT_RECORDED = "conflict.recorded", _("Conflict of interest recorded")
    CONFLICT_REMOVED = "conflict.removed", _("Conflict of interest removed")
    ENTRIES_ADDED = "round.entries", _("Entries put in a round")
    ENTRIES_ADVANCED = "round.advanced", _("Entries advanced to the next round")
    ASSIGNED = "assignment.created", _("Entry assigned to a judge")
    UNASSIGNED = "assignment.deleted", _("Entry taken from a judge")
    SCORE_SAVED = "score.saved", _("Score saved as a draft")
    SCORE_SUBMITTED = "score.submitted", _("Score submitted")
    SCORE_REOPENED = "score.reopened", _("Submitted score reopened")
