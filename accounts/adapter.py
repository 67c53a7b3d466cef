"""allauth hooks: mail goes out in the person's own language, which sign-up takes from the page; wrong passwords are
counted per address and account, never per account alone."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User

SITE_LANGUAGES = set(settings.LANGUAGE_CODES)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Five wrong passwords in five minutes from one address (ACCOUNT_RATE_LIMITS): a code by email still works.
        "too_many_login_attempts": _(
            "Too many sign-in attempts from this network. Sign in with a code sent to your email, "
            "or wait five minutes and try again."
        ),
    }

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key allauth counts wrong passwords under ("login_failed", per key): the account and the address the
        attempt came from (the visitor's, behind the proxy; an IPv6 address by its /64, as allauth's per-address
        limits). With the account alone, anyone who knows an entrant's email could keep them out."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

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
