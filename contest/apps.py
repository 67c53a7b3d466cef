from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestConfig(AppConfig):
    name = "contest"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from accounts import registry

        from . import converters, personal_data, registration

        converters.register()

        registry.register(self.label, export=personal_data.export, erase=personal_data.erase)
        # A new date of birth or country takes every eligibility decision again.
        registry.profile_changed(registration.recheck_registrations)
