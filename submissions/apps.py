from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Entries")

    def ready(self) -> None:
        from accounts import registry

        from . import personal_data, services

        registry.register(self.label, export=personal_data.export, erase=personal_data.erase)
        # After a first submitted entry, only an organizer may change the entrant's date of birth.
        registry.birth_date_lock(services.has_submitted_an_entry)
