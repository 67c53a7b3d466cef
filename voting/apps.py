"""The people's-choice vote: visitors vote on the exhibition's shortlist, apart from the jury."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("People's choice")

    def ready(self) -> None:
        from accounts import registry
        from results import extensions

        from . import personal_data, selectors

        registry.register(self.label, export=personal_data.export, erase=personal_data.erase)
        extensions.gallery_section("voting/_peoples_choice.html", selectors.peoples_choice)
