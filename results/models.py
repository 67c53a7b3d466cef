"""The contest's results: the declared tie-break, ties decided by hand, awards, winners' checks, the announcement,
published files, moderated feedback and the result notifications."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, Theme
from judging.models import Criterion, Score
from submissions.models import Attachment, Entry, Rendition

from .enums import PLACES, AwardKind, NotificationKind, NotificationStatus, TieBreakStep

DEFAULT_TIE_BREAK = [TieBreakStep.NORMALISED_MEAN.value, TieBreakStep.RAW_MEAN.value, TieBreakStep.ORGANIZER.value]


def private_storage():
    return storages["private"]


def public_storage():
    return storages["public"]


class ContestResults(models.Model):
    """One row per contest: how ties are broken, when and how results are announced, what is kept afterwards."""

    contest = models.OneToOneField(
        Contest, on_delete=models.CASCADE, related_name="results", verbose_name=_("contest")
    )
    # Ordered TieBreakStep values; the first that separates two entries decides.
    tie_break = models.JSONField(_("tie-break rule"), default=list)
    tie_break_criterion = models.ForeignKey(
        Criterion,
        # A criterion may still be deleted while its round is prepared; the page then says the rule lacks it.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criterion named in the tie-break"),
    )
    tie_break_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("tie-break declared by"),
    )
    tie_break_declared_at = models.DateTimeField(_("tie-break declared at"), null=True, blank=True)
    shortlist_size = models.PositiveSmallIntegerField(
        _("entries in the exhibition"), default=10, help_text=_("The top entries of the final ranking shown.")
    )
    include_feedback = models.BooleanField(
        _("send judges' feedback"),
        default=False,
        help_text=_("Feedback approved by an organizer is included in each entrant's result email."),
    )
    announce_at = models.DateTimeField(_("announcement time"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("scheduled by"),
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    files_published_at = models.DateTimeField(_("winners' files published at"), null=True, blank=True)
    notifications_created_at = models.DateTimeField(_("notifications prepared at"), null=True, blank=True)
    retention_days = models.PositiveIntegerField(
        _("keep non-winning originals for (days)"),
        null=True,
        blank=True,
        help_text=_("After the announcement; empty to keep them. Entrants are told in their result email."),
    )
    originals_deleted_at = models.DateTimeField(_("non-winning originals deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest results")
        verbose_name_plural = _("contest results")

    def __str__(self) -> str:
        return str(self.contest)

    @property
    def steps(self) -> list[str]:
        return list(self.tie_break or DEFAULT_TIE_BREAK)

    @property
    def announced(self) -> bool:
        return self.announced_at is not None


class TieDecision(models.Model):
    """An organizer's order for entries the declared automatic steps left tied: lower position ranks higher."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="tie_decisions",
                                verbose_name=_("contest"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="tie_decisions", verbose_name=_("entry"))
    position = models.PositiveSmallIntegerField(_("position among the tied"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("tie decision")
        verbose_name_plural = _("tie decisions")
        constraints = [models.UniqueConstraint(fields=["contest", "entry"], name="one_tie_decision_per_entry")]

    def __str__(self) -> str:
        return f"{self.entry_id} #{self.position}"


class Award(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="awards", verbose_name=_("contest"))
    # An entrant who deletes their account takes their entries and awards with them; the audit log keeps the fact.
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="awards", verbose_name=_("entry"))
    kind = models.CharField(_("award"), max_length=16, choices=AwardKind.choices)
    # Both empty: an award of the whole contest. One set: the award of that theme or category.
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="awards", verbose_name=_("theme")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="awards", verbose_name=_("category")
    )
    name = models.CharField(
        _("name of the prize"),
        max_length=200,
        blank=True,
        help_text=_("For a special prize, such as “Youth jury prize”."),
    )
    citation = models.TextField(_("citation"), blank=True, help_text=_("Why the jury chose this work."))
    position = models.PositiveSmallIntegerField(_("order on the page"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["contest", "position", "pk"]
        constraints = [
            # One winner, one second, one third per scope; empty scopes count as equal.
            models.UniqueConstraint(
                fields=["contest", "kind", "theme", "category"],
                condition=models.Q(kind__in=PLACES),
                nulls_distinct=False,
                name="one_place_per_scope",
            ),
            models.UniqueConstraint(
                fields=["contest", "entry", "kind", "name"], name="an_entry_gets_each_award_once"
            ),
            models.CheckConstraint(
                condition=models.Q(theme__isnull=True) | models.Q(category__isnull=True),
                name="award_scope_is_one_theme_or_one_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.entry_id}"

    @property
    def label(self) -> str:
        if self.kind == AwardKind.SPECIAL and self.name:
            return self.name
        return str(self.get_kind_display())

    @property
    def scope_label(self) -> str:
        return str(self.theme or self.category or "")


class WinnerVerification(models.Model):
    """An organizer checked an awarded entrant's identity and age, and asked whether their name may be shown."""

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, related_name="winner_verification", verbose_name=_("entry")
    )
    identity_checked = models.BooleanField(_("identity checked"), default=False)
    age_checked = models.BooleanField(_("age checked"), default=False)
    # The entrant's consent to publication, given to the organizer during the check.
    publish_name = models.BooleanField(_("the entrant agrees to their public name being shown"), default=False)
    publish_country = models.BooleanField(_("the entrant agrees to their country being shown"), default=False)
    note = models.TextField(_("note"), blank=True)
    document = models.FileField(_("identity document"), storage=private_storage, max_length=300, blank=True)
    document_deleted_at = models.DateTimeField(_("identity document deleted at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("winner verification")
        verbose_name_plural = _("winner verifications")

    def __str__(self) -> str:
        return str(self.entry_id)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class PublishedFile(models.Model):
    """A winner's rendition or caption file copied to public storage at the announcement."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="published_files",
                              verbose_name=_("entry"))
    rendition = models.OneToOneField(
        Rendition, on_delete=models.CASCADE, null=True, blank=True, related_name="published",
        verbose_name=_("rendition"),
    )
    attachment = models.OneToOneField(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="published",
        verbose_name=_("attachment"),
    )
    file = models.FileField(_("file"), storage=public_storage, max_length=300)
    content_type = models.CharField(_("content type"), max_length=100)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published file")
        verbose_name_plural = _("published files")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rendition__isnull=False) | models.Q(attachment__isnull=False),
                name="published_file_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return self.file.name


class FeedbackModeration(models.Model):
    """An organizer's decision on a judge's feedback: only approved text (perhaps edited) reaches the entrant."""

    score = models.OneToOneField(Score, on_delete=models.CASCADE, related_name="moderation", verbose_name=_("score"))
    approved = models.BooleanField(_("approved"))
    text = models.TextField(_("text sent to the entrant"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"))

    class Meta:
        verbose_name = _("feedback moderation")
        verbose_name_plural = _("feedback moderations")

    def __str__(self) -> str:
        return str(self.score_id)


class Notification(models.Model):
    """One email to one entrant about the results: the row is claimed before sending, so it leaves once."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="notifications",
                                verbose_name=_("contest"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="result_notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("result notification")
        verbose_name_plural = _("result notifications")
        constraints = [
            models.UniqueConstraint(fields=["contest", "recipient", "kind"], name="one_result_email_of_a_kind")
        ]
        indexes = [models.Index(fields=["contest", "status"])]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.recipient_id}/{self.kind}: {self.status}"
