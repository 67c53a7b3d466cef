"""Contests, their themes and categories, and who plays which part in them."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import ContestStatus, MediaKind, Role


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
        help_text=_("Deadlines are set and shown in this zone."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    rules_text = models.TextField(_("rules"), blank=True)
    rules_version = models.PositiveIntegerField(_("rules version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=ContestStatus.choices, default=ContestStatus.DRAFT)
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

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


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
    min_words = models.PositiveIntegerField(_("fewest words"), null=True, blank=True)
    max_words = models.PositiveIntegerField(_("most words"), null=True, blank=True, validators=[MinValueValidator(1)])

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
