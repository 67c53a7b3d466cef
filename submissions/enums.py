"""States and choices of an entry."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AIUse(models.TextChoices):
    NONE = "none", _("I did not use AI tools")
    ASSISTED = "assisted", _("AI tools helped me (for example with editing, translation or music)")
    GENERATED = "generated", _("Parts of the work were made by AI tools")


class CoCreatorStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class Declaration(models.TextChoices):
    ORIGINAL = "original", _("This work is my own (and my team's) original work.")
    RIGHTS = "rights", _("I hold the rights to all music, footage and images used in it, or they are free to use.")
    CONSENT = "consent", _("Every person who can be recognised in the work has agreed to appear in it.")
    LICENCE = "licence", _("I grant the organizers the licence described in the contest's rules.")


class UploadStatus(models.TextChoices):
    RECEIVING = "receiving", _("Receiving")
    COMPLETE = "complete", _("Complete")
    FAILED = "failed", pgettext_lazy("upload status", "Refused")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# Raised when the wording of the declarations above changes, so each stored
# acceptance says which words the entrant agreed to.
DECLARATIONS_VERSION = 1
