"""Entries, the people who made them with the entrant, and what the entrant declared."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, Theme

from .enums import (
    AIUse,
    AttachmentKind,
    CoCreatorStatus,
    Declaration,
    EntryStatus,
    FileState,
    JobKind,
    JobQueue,
    JobStatus,
    UploadStatus,
)


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
    """A resumable (tus) upload in progress: its bytes wait until the last one arrives, in a temporary file on
    local disk or in the shared storage (S3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("entry"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("owner")
    )
    length = models.PositiveBigIntegerField(_("size in bytes"))
    offset = models.PositiveBigIntegerField(_("bytes received"), default=0)
    filename = models.CharField(_("original file name"), max_length=255, blank=True)
    declared_type = models.CharField(_("declared type"), max_length=100, blank=True)
    # With the private storage on S3, the bytes wait in an S3 multipart upload of this id, not on a node's disk.
    storage_upload_id = models.CharField(_("storage's upload id"), max_length=1024, blank=True)
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


# Error codes of jobs that failed for reasons that are not the file's, and of jobs whose file was replaced.
GAVE_UP, NOT_MADE, REPLACED = "gave_up", "not_made", "replaced"


class MediaAssetQuerySet(models.QuerySet):
    def current(self) -> "MediaAssetQuerySet":
        """Files not replaced by a newer one: what the entry holds now."""
        return self.filter(replaced_at__isnull=True)

    def replaced(self) -> "MediaAssetQuerySet":
        return self.filter(replaced_at__isnull=False)


def of_current_file(relation: str = "asset") -> Q:
    """The condition "belongs to a file not replaced", for rows that point at a file (jobs, renditions)."""
    return Q(**{f"{relation}__replaced_at__isnull": True})


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
    facts = models.JSONField(_("what probing found"), default=dict, blank=True)
    # Set when the entrant was emailed that this file needs their action, so they are told once.
    action_emailed_at = models.DateTimeField(_("entrant told at"), null=True, blank=True)

    objects = MediaAssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.entry.reference} – {self.file_format} ({self.size} bytes)"

    @property
    def state(self) -> str:
        """Derived from the jobs (prefetch them on list pages): any failure needs the entrant, all done is ready."""
        jobs = [job for job in self.jobs.all() if job.status != JobStatus.CANCELLED]
        statuses = {job.status for job in jobs}
        if JobStatus.FAILED in statuses:
            failed = {job.error_code for job in jobs if job.status == JobStatus.FAILED}
            return FileState.HELD if failed <= {GAVE_UP, NOT_MADE} else FileState.NEEDS_ACTION
        if statuses and statuses == {JobStatus.DONE}:
            return FileState.READY
        if JobStatus.RUNNING in statuses or JobStatus.DONE in statuses:
            return FileState.PROCESSING
        return FileState.WAITING

    @property
    def state_label(self) -> str:
        return FileState(self.state).label

    @property
    def failure_message(self) -> str:
        """What the entrant should do: the message of the first failed job (the check comes first)."""
        failed = [job for job in self.jobs.all() if job.status == JobStatus.FAILED and job.error_message]
        failed.sort(key=lambda job: (job.kind != JobKind.PROBE, job.pk))
        return failed[0].error_message if failed else ""


class ProcessingJob(models.Model):
    """One output to make from a file. These rows, not the broker, say what is done and what is still owed."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("file"))
    kind = models.CharField(_("kind"), max_length=16, choices=JobKind.choices)
    queue = models.CharField(_("queue"), max_length=16, choices=JobQueue.choices, default=JobQueue.DEFAULT)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("sent to a worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # A running job's worker touches this while it works; a stale one means the worker died.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error_message = models.TextField(_("message to the entrant"), blank=True)

    class Meta:
        verbose_name = _("processing job")
        verbose_name_plural = _("processing jobs")
        ordering = ["asset", "pk"]
        constraints = [models.UniqueConstraint(fields=["asset", "kind"], name="one_job_per_output_of_a_file")]
        indexes = [models.Index(fields=["status", "queue"])]

    def __str__(self) -> str:
        return f"{self.asset_id}/{self.kind}: {self.status}"

    # The kind and the state in words, as get_kind_display() and get_status_display() give them without building
    # the choices again at each call: a list of ten entries shows thirty jobs (B7).
    @property
    def kind_label(self) -> str:
        return JobKind(self.kind).label

    @property
    def status_label(self) -> str:
        return JobStatus(self.status).label

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Rendition(models.Model):
    """A file made from an original (a web image, 720p video, poster…), in private storage until published."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions", verbose_name=_("file"))
    spec = models.CharField(_("spec"), max_length=32)
    file = models.FileField(_("file"), storage=private_storage, max_length=300)
    content_type = models.CharField(_("content type"), max_length=100)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration in seconds"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        ordering = ["asset", "spec"]
        constraints = [models.UniqueConstraint(fields=["asset", "spec"], name="one_rendition_per_spec")]

    def __str__(self) -> str:
        return f"{self.asset_id}/{self.spec}"


class Attachment(models.Model):
    """A file that goes with an entry's work: captions in one language, or a signed release form."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("entry"))
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    language = models.CharField(_("language"), max_length=16, blank=True, help_text=_("Only for captions."))
    file = models.FileField(_("file"), storage=private_storage, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["entry", "kind", "language", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "language"],
                condition=models.Q(kind="caption"),
                name="one_caption_file_per_language",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="caption") | ~models.Q(language=""),
                name="captions_name_their_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.reference} – {self.kind} {self.language}".strip()


class StorageCheck(models.Model):
    """The nightly comparison of the buckets (or folders) with the rows: what no row names, and what rows name but
    storage lacks. Keys are random, so the names listed identify no one."""

    checked_at = models.DateTimeField(_("checked at"))
    objects_found = models.PositiveIntegerField(_("objects found"), default=0)
    orphans = models.PositiveIntegerField(_("objects no row names"), default=0)
    orphans_deleted = models.PositiveIntegerField(_("of those, deleted"), default=0)
    missing = models.PositiveIntegerField(_("rows whose object is missing"), default=0)
    # At most a few hundred names of each, for the operator to look into.
    orphan_names = models.JSONField(_("objects no row names"), default=list, blank=True)
    missing_names = models.JSONField(_("missing objects"), default=list, blank=True)

    class Meta:
        verbose_name = _("storage check")
        verbose_name_plural = _("storage checks")
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M}: {self.orphans} / {self.missing}"
