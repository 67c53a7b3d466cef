"""Entries, the people who made them with the entrant, and what the entrant declared."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, Theme

from .enums import AIUse, CoCreatorStatus, Declaration, EntryStatus


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
