"""Forms an entrant fills in to register for a contest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.text import CleanText


class RegistrationForm(CleanText, forms.Form):
    accept_rules = forms.BooleanField(
        label=_("I have read the rules above and accept them."),
        error_messages={"required": _("Tick this box to accept the rules: you cannot register without them.")},
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Tick this box to confirm you have read the privacy notice.")},
    )
    accept_processing = forms.BooleanField(
        label=_("I agree that the organizers keep and use my data as the privacy notice says, to run the contest."),
        error_messages={"required": _("Tick this box: the contest cannot be run without using your data.")},
    )


class GuardianRequestForm(CleanText, forms.Form):
    guardian_email = forms.EmailField(
        label=_("Your parent's or guardian's email address"),
        error_messages={
            "required": _("Enter the email address of a parent or guardian."),
            "invalid": _("Enter a whole email address, such as name@example.org."),
        },
    )

    def __init__(self, *args, entrant_email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entrant_email = entrant_email
        self.fields["guardian_email"].widget.attrs["autocomplete"] = "off"

    def clean_guardian_email(self) -> str:
        email = self.cleaned_data["guardian_email"]
        if email.lower() == self.entrant_email.lower():
            raise forms.ValidationError(_("This is your own address. Enter your parent's or guardian's address."))
        return email
