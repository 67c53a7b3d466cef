from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = _("Judging")

    def ready(self) -> None:
        from accounts import registry

        from . import personal_data

        registry.register(self.label, export=personal_data.export, erase=personal_data.erase)
