"""The results app: deciding, announcing, the winners' gallery, notifications, certificates and reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from accounts import registry

        from . import personal_data

        registry.register(self.label, export=personal_data.export, erase=personal_data.erase)
