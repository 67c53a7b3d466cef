"""The contest's states, media kinds and roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for entries")
    CLOSED = "closed", _("Closed")
    JUDGING = "judging", _("Judging")
    ANNOUNCED = "announced", _("Winners announced")


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
