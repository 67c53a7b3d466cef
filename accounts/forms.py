"""The profile form, the account-deletion confirmation and the sign-in form."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .birth_dates import birth_date_problems
from .models import PROFILE_FIELDS, User
from .text import CleanText


class ProfileForm(CleanText, forms.ModelForm):
    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "full_name": {"required": _("Enter your full name, as on an identity document.")},
            "date_of_birth": {
                "required": _("Enter your date of birth: the contest's age limits depend on it."),
                "invalid": _("Enter your date of birth as year-month-day, for example 2001-04-23."),
            },
            "country": {"required": _("Choose the country you live in.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("full_name", "date_of_birth", "country"):
            self.fields[name].required = True
        # Year-month-day only, as date pickers send it: 02/03/2001 must not quietly mean 3 February.
        self.fields["date_of_birth"].input_formats = ["%Y-%m-%d"]
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["public_name"].widget.attrs["autocomplete"] = "nickname"
        self.fields["date_of_birth"].widget.attrs["autocomplete"] = "bday"
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["preferred_language"].choices = [c for c in self.fields["preferred_language"].choices if c[0]]
        self.fields["gender"].help_text = _(
            "Optional. Organizers count entrants by gender in their reports; nobody else sees it."
        )

    def lock_birth_date(self) -> None:
        field = self.fields["date_of_birth"]
        field.disabled = True
        field.help_text = _(
            "You have submitted an entry, so only the organizers can change this now. Write to them if it is wrong."
        )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if self.fields["date_of_birth"].disabled:
            return value
        problems = birth_date_problems(value, today=timezone.localdate())
        if problems:
            raise forms.ValidationError(problems)
        return value


class DeleteAccountForm(CleanText, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm that it is you.")},
    )
    understood = forms.BooleanField(
        label=_("I understand that my account, my registrations and my files will be deleted for good."),
        error_messages={"required": _("Tick this box to confirm that you want to delete everything.")},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Try again, or reset it first."))
        return password


class UserAdminChangeForm(CleanText, UserChangeForm):
    """The admin's user form: a changed date of birth needs a reason once the person has submitted an entry."""

    birth_date_correction_reason = forms.CharField(
        label=_("Reason for changing the date of birth"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the person has already submitted an entry. Kept with the change."),
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = [
            "email",
            "password",
            *PROFILE_FIELDS,
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        ]

    def clean(self):
        data = super().clean()
        from .services import birth_date_locked

        changed = "date_of_birth" in self.changed_data
        if changed and birth_date_locked(self.instance) and not data.get("birth_date_correction_reason", "").strip():
            self.add_error(
                "birth_date_correction_reason",
                _("Say why the date of birth changes: this person has submitted an entry."),
            )
        return data


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form; "Stay signed in" says for how long, and where not to tick it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = settings.SIGNED_IN_DAYS
        self.fields["remember"].label = ngettext(
            "Stay signed in on this device for %(days)s day", "Stay signed in on this device for %(days)s days", days
        ) % {"days": days}
        self.fields["remember"].help_text = _(
            "Leave it unticked on a computer others use: you are then signed out when the browser closes."
        )
