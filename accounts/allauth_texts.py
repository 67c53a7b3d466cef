"""django-allauth's texts that Voices translates itself, listed so `makemessages` keeps them in the project's
catalogue, which Django reads before allauth's own: allauth's Chinese writes "Email地址" where Chinese says
"电子邮件地址"."""

from django.utils.translation import gettext_noop

ALLAUTH_TEXTS = [
    gettext_noop("Verify Your Email Address"),
    gettext_noop("Confirm Email Address"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Email Confirmation"),
    gettext_noop("Email Address"),
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Email Removed"),
    gettext_noop("Email Changed"),
    gettext_noop("Current email"),
    gettext_noop("Change Email"),
]
