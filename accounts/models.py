"""The person: one account per email address, whatever their roles."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# What a person tells about themselves on their profile page.
PROFILE_FIELDS = (
    "full_name",
    "public_name",
    "date_of_birth",
    "country",
    "preferred_language",
    "organisation",
    "gender",
)


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    ANOTHER = "another", _("Another gender")
    PREFER_NOT_TO_SAY = "prefer_not", _("Prefer not to say")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    public_name = models.CharField(
        _("public name"),
        max_length=200,
        blank=True,
        help_text=_("Shown with your work if it is published. Leave empty to use your full name."),
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    country = CountryField(_("country of residence"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Emails from the site are written in this language."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Staff can sign in to the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def profile_complete(self) -> bool:
        return bool(self.full_name and self.date_of_birth and self.country)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class BirthDateCorrection(models.Model):
    """An organizer's change to a date of birth that the entrant can no longer change, with the reason."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="birth_date_corrections", verbose_name=_("person")
    )
    previous = models.DateField(_("previous date of birth"), null=True)
    corrected = models.DateField(_("corrected date of birth"))
    reason = models.TextField(_("reason"))
    corrected_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("corrected by")
    )
    corrected_at = models.DateTimeField(_("corrected at"))

    class Meta:
        verbose_name = _("date of birth correction")
        verbose_name_plural = _("date of birth corrections")

    def __str__(self) -> str:
        return f"{self.user} – {self.corrected_at:%Y-%m-%d}"
