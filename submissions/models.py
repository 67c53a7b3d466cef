"""Entries, the people who made them with the entrant, and what the entrant declared."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, Theme

from .enums import AIUse, CoCreatorStatus, Declaration, EntryStatus, UploadStatus


class Entry(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="entries", verbose_name=_("contest"))
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries", verbose_name=_("entrant")
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="entries", verbose_name=_("theme"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries", verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("short description"), blank=True)
    statement = models.TextField(_("work notes"), blank=True)
    languages = models.CharField(_("language(s) of the work"), max_length=200, blank=True)
    essay_text = models.TextField(_("essay"), blank=True)
    ai_use = models.CharField(_("use of AI tools"), max_length=16, choices=AIUse.choices, default=AIUse.NONE)
    ai_use_details = models.TextField(_("how AI tools were used"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contest", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} – {self.title}"


class EntryDeclaration(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("entry"))
    kind = models.CharField(_("declaration"), max_length=16, choices=Declaration.choices)
    text_version = models.PositiveIntegerField(_("wording version"))
    licence_rules_version = models.PositiveIntegerField(_("rules version of the licence"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"))

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [models.UniqueConstraint(fields=["entry", "kind"], name="one_declaration_of_a_kind")]

    def __str__(self) -> str:
        return f"{self.entry} – {self.kind}"


class CoCreator(models.Model):
    """Someone who made the work with the entrant; they confirm their part by an emailed link."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="co_creators", verbose_name=_("entry"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    date_of_birth = models.DateField(_("date of birth"))
    status = models.CharField(
        _("status"), max_length=16, choices=CoCreatorStatus.choices, default=CoCreatorStatus.PENDING
    )
    invited_at = models.DateTimeField(_("invited at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-creator")
        verbose_name_plural = _("co-creators")
        constraints = [models.UniqueConstraint(fields=["entry", "email"], name="one_invitation_per_person_per_entry")]

    def __str__(self) -> str:
        return f"{self.name} ({self.entry.reference})"


def private_storage():
    return storages["private"]


class Upload(models.Model):
    """A resumable (tus) upload in progress: its bytes wait in a temporary file until the last one arrives."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("entry"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("owner")
    )
    length = models.PositiveBigIntegerField(_("size in bytes"))
    offset = models.PositiveBigIntegerField(_("bytes received"), default=0)
    filename = models.CharField(_("original file name"), max_length=255, blank=True)
    declared_type = models.CharField(_("declared type"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVING)
    failure = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last bytes at"), auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.entry.reference} – {self.offset}/{self.length}"


class MediaAsset(models.Model):
    """A finished original file of an entry, in private storage. The newest one not replaced is the entry's."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assets", verbose_name=_("entry"))
    upload = models.OneToOneField(
        Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="asset", verbose_name=_("upload")
    )
    file = models.FileField(_("file"), storage=private_storage, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_format = models.CharField(_("format"), max_length=16)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.entry.reference} – {self.file_format} ({self.size} bytes)"
