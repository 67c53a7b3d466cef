"""States and choices of an entry."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EntryAuditAction(models.TextChoices):
    SUBMITTED = "entry.submitted", _("Entry submitted")
    UNSUBMITTED = "entry.unsubmitted", _("Entry taken back to a draft")
    WITHDRAWN = "entry.withdrawn", _("Entry withdrawn")


# The one table of moves an entry may make.
ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryStatus.DRAFT: frozenset({EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN}),
    EntryStatus.SUBMITTED: frozenset({EntryStatus.DRAFT, EntryStatus.WITHDRAWN}),
    EntryStatus.WITHDRAWN: frozenset(),
}


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


class JobKind(models.TextChoices):
    """One job per output of a file; `probe` checks the file against the category before anything is made."""

    PROBE = "probe", _("Checking the file")
    VIDEO = "video", _("Video for viewing (720p)")
    POSTER = "poster", _("Poster image")
    AUDIO = "audio", _("Audio for listening")
    WAVEFORM = "waveform", _("Waveform picture")
    # One decode of a photo makes its four web images (thumbnail and display, WebP and JPEG).
    IMAGES = "images", _("Web-sized images")
    PREVIEW = "preview", _("First-page preview")


class JobQueue(models.TextChoices):
    DEFAULT = "default", _("Short work")
    MEDIA = "media", _("Long media work")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # The file was replaced or deleted before the output was made: nothing is owed any more.
    CANCELLED = "cancelled", _("Cancelled")


class FileState(models.TextChoices):
    """A file's state as the entrant sees it, derived from its jobs, never stored."""

    WAITING = "waiting", _("Waiting to be processed")
    PROCESSING = "processing", _("Being processed")
    READY = "ready", _("Ready")
    NEEDS_ACTION = "needs_action", _("Needs your action")
    # Attempts ran out on a problem outside the file: the organizers must act, not the entrant.
    HELD = "held", _("Held up by a problem on our side")


class AttachmentKind(models.TextChoices):
    CAPTION = "caption", _("Captions")
    RELEASE_FORM = "release_form", _("Release form")


class Spec(StrEnum):
    """The files made from an original; each name is also the last part of the file's address."""

    VIDEO = "video.mp4"
    POSTER = "poster.jpg"
    AUDIO = "audio.m4a"
    WAVEFORM = "waveform.png"
    DISPLAY_WEBP = "display.webp"
    DISPLAY_JPEG = "display.jpg"
    THUMB_WEBP = "thumb.webp"
    THUMB_JPEG = "thumb.jpg"
    PREVIEW = "preview.jpg"
