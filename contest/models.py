"""Contests, their themes and categories, and who plays which part in them."""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from . import eligibility
from .enums import AgeReference, ContestStatus, GuardianDecision, MediaKind, RegistrationStatus, Role


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name. Use a name such as Europe/Zurich or America/Mexico_City."),
            params={"value": value},
        )


class Contest(models.Model):
    slug = models.SlugField(_("address name"), unique=True, help_text=_("Used in the page address."))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("One or two sentences shown in lists."))
    call_text = models.TextField(_("call for entries"), blank=True)
    organisers = models.CharField(_("organised by"), max_length=300, blank=True)
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Deadlines are set and shown in this zone; the times on this page are in it."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    rules_text = models.TextField(_("rules"), blank=True)
    rules_version = models.PositiveIntegerField(_("rules version"), default=1)
    licence_text = models.TextField(
        _("licence granted to the organizers"),
        blank=True,
        help_text=_("What entrants allow the organizers to do with their work. Part of the rules' version."),
    )
    reference_prefix = models.CharField(
        _("entry reference prefix"),
        max_length=20,
        default="ENTRY",
        help_text=_("Entry references are this prefix and a number, such as CCM-2026-0042."),
        # A reference is part of addresses (contest/converters.py): letters, digits, hyphens and dots only.
        validators=[
            RegexValidator(
                r"^[\w.-]+\Z", _("Use letters, digits, hyphens and dots only, such as CCM-2026.")
            )
        ],
    )
    statement_max_words = models.PositiveIntegerField(_("most words in the work notes"), default=300)
    last_entry_number = models.PositiveIntegerField(_("last entry number given"), default=0, editable=False)
    upload_grace_minutes = models.PositiveIntegerField(
        _("upload grace period, in minutes"),
        default=120,
        help_text=_("An upload started before the deadline may finish this long after it."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ContestStatus.choices,
        default=ContestStatus.DRAFT,
        editable=False,
        help_text=_("Changed only by the moves: open, close, judge, announce, archive."),
    )
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the contest last stopped taking entries; before the deadline, it was closed early."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), validators=[MaxValueValidator(120)], null=True, blank=True
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"),
        validators=[MaxValueValidator(120)],
        null=True,
        blank=True,
        help_text=_("Inclusive: 29 admits entrants until the day before their 30th birthday."),
    )
    age_reference = models.CharField(
        _("age counts on"), max_length=16, choices=AgeReference.choices, default=AgeReference.CLOSING
    )
    age_reference_date = models.DateField(
        _("fixed date for the age"), null=True, blank=True, help_text=_("Only when the age counts on a fixed date.")
    )
    eligible_countries = CountryField(
        _("eligible countries"), multiple=True, blank=True, help_text=_("Leave empty to admit every country.")
    )
    max_entries_per_entrant = models.PositiveSmallIntegerField(_("most entries per entrant"), null=True, blank=True)
    max_team_size = models.PositiveSmallIntegerField(
        _("largest team"), null=True, blank=True, help_text=_("Including the entrant. Leave empty for no limit.")
    )
    guardian_consent_below_age = models.PositiveSmallIntegerField(
        _("guardian consent below age"),
        null=True,
        blank=True,
        help_text=_("Entrants younger than this need a parent's or guardian's consent. Leave empty if none."),
    )

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="contest_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(max_age__gte=models.F("min_age")),
                name="contest_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise ValidationError({"max_age": _("The maximum age must not be below the minimum age.")})
        if self.age_reference == AgeReference.FIXED and not self.age_reference_date:
            raise ValidationError({"age_reference_date": _("Give the date on which the age counts.")})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def uploads_close_at(self) -> datetime:
        """Uploads started before the deadline may finish until the end of the grace period."""
        return self.closes_at + timedelta(minutes=self.upload_grace_minutes)

    @property
    def eligibility_rule(self) -> eligibility.Rule:
        return eligibility.Rule(
            min_age=self.min_age,
            max_age=self.max_age,
            reference=self.age_reference,
            closes_on=eligibility.local_date(self.closes_at, self.time_zone),
            fixed_on=self.age_reference_date,
            countries=frozenset(str(c) for c in self.eligible_countries),
            guardian_below_age=self.guardian_consent_below_age,
        )


class Theme(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="themes", verbose_name=_("contest"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["contest", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="categories", verbose_name=_("contest"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    media_kind = models.CharField(_("kind of work"), max_length=16, choices=MediaKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    allowed_formats = models.JSONField(
        _("allowed formats"),
        default=list,
        blank=True,
        help_text=_("File name endings such as mp4, mov, jpg, pdf."),
    )
    max_size_bytes = models.PositiveBigIntegerField(_("largest file, in bytes"), null=True, blank=True)
    max_duration_seconds = models.PositiveIntegerField(_("longest duration, in seconds"), null=True, blank=True)
    min_long_side_px = models.PositiveIntegerField(
        _("shortest long side, in pixels"),
        null=True,
        blank=True,
        help_text=_("For photos and artwork: the longer edge must have at least this many pixels."),
    )
    max_entries_per_entrant = models.PositiveSmallIntegerField(
        _("most entries per entrant in this category"), null=True, blank=True
    )
    min_words = models.PositiveIntegerField(_("fewest words"), null=True, blank=True)
    max_words = models.PositiveIntegerField(_("most words"), null=True, blank=True, validators=[MinValueValidator(1)])
    max_pages = models.PositiveIntegerField(
        _("most pages"), null=True, blank=True, validators=[MinValueValidator(1)], help_text=_("For PDF files.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["contest", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ContestRole(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="roles", verbose_name=_("contest"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("contest role")
        verbose_name_plural = _("contest roles")
        constraints = [
            models.UniqueConstraint(fields=["contest", "user", "role"], name="one_role_of_a_kind_per_contest")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.contest}"


class Registration(models.Model):
    """A person's registration for a contest: what they accepted, and the latest eligibility decision."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("contest")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    rules_version = models.PositiveIntegerField(_("rules version accepted"))
    accepted_rules_at = models.DateTimeField(_("rules accepted at"))
    accepted_privacy_at = models.DateTimeField(_("privacy notice accepted at"))
    accepted_processing_at = models.DateTimeField(_("data processing accepted at"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="one_registration_per_contest")]

    def __str__(self) -> str:
        return f"{self.user} – {self.contest}"

    @property
    def may_enter(self) -> bool:
        return self.status == RegistrationStatus.ELIGIBLE


class EligibilityCheck(models.Model):
    """One decision, with the inputs it was taken on: kept so the result can be shown and explained later."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="checks", verbose_name=_("registration")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    decided_on = models.DateField(_("day of the decision"))
    birth_date = models.DateField(_("date of birth given"), null=True)
    country = models.CharField(_("country given"), max_length=2, blank=True)
    rule = models.JSONField(_("rule applied"))
    reference_day = models.DateField(_("age counted on"))
    age = models.PositiveSmallIntegerField(_("age on that day"), null=True)
    eligible = models.BooleanField(_("eligible"))
    needs_guardian = models.BooleanField(_("needs a guardian's consent"), default=False)
    reason = models.CharField(_("why the decision was re-taken"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["-decided_at", "-pk"]
        get_latest_by = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration} – {self.decided_at:%Y-%m-%d}"


class GuardianConsent(models.Model):
    """A parent's or guardian's answer for a young entrant, given through a signed, expiring link."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="guardian_consent", verbose_name=_("registration")
    )
    guardian_email = models.EmailField(_("parent's or guardian's email"))
    decision = models.CharField(
        _("answer"), max_length=16, choices=GuardianDecision.choices, default=GuardianDecision.PENDING
    )
    requested_at = models.DateTimeField(_("asked at"))
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_from_ip = models.GenericIPAddressField(_("answered from"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")

    def __str__(self) -> str:
        return f"{self.registration} – {self.get_decision_display()}"


class AnonymisedRegistration(models.Model):
    """What is left of a registration once its person deleted their account: counts, no identity."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="anonymised_registrations", verbose_name=_("contest")
    )
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    age_band = models.CharField(_("age band"), max_length=8, blank=True)
    gender = models.CharField(_("gender"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("anonymised registration")
        verbose_name_plural = _("anonymised registrations")

    def __str__(self) -> str:
        return f"{self.contest} – {self.registered_on}"


class AuditEvent(models.Model):
    """One change, chained to the one before by its hash, so an edited or deleted row shows.

    `sequence` is given under a lock, without gaps (database ids may skip when a
    transaction rolls back); the chain's head remembers the last one, so even the
    newest row cannot be deleted unnoticed.
    """

    sequence = models.PositiveBigIntegerField(_("number"), unique=True)
    contest = models.ForeignKey(
        Contest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contest")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text too, so the event still says who acted once `actor` is gone. The hash covers it through a
    # salted digest (see contest.audit), so it can be blanked when its person erases their account.
    actor_label = models.CharField(_("by (as recorded)"), max_length=254, blank=True)
    at = models.DateTimeField(_("at"))
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("kind of object"), max_length=40)
    object_id = models.CharField(_("object"), max_length=40)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    previous_hash = models.CharField(_("hash of the event before"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    # By place in the row ("actor", "after/note"…): the random salt of each text the hash covers as a digest…
    salts = models.JSONField(_("salts of the texts"), default=dict, blank=True)
    # …and the digest of each text blanked since, because it named a person who erased their account.
    erased = models.JSONField(_("digests of erased texts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["contest", "sequence"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's last link (one row), locked while an event is appended so the chain never forks."""

    sequence = models.PositiveBigIntegerField(_("last number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence}"
