from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People")

    def ready(self) -> None:
        from . import personal_data, registry

        registry.register(self.label, export=personal_data.export, erase=personal_data.erase)
