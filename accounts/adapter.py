"""allauth hooks: mail goes out in the person's own language, which sign-up takes from the page."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User

SITE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The limit is five failures in five minutes (ACCOUNT_RATE_LIMITS): say so.
        "too_many_login_attempts": _("Too many failed sign-in attempts. Wait five minutes, then try again."),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = (user.preferred_language if user else "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language()
        if language in SITE_LANGUAGES:
            user.preferred_language = language
        if commit:
            user.save()
        return user
