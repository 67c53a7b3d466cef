"""The results app: deciding, announcing, the winners' gallery, notifications, certificates and reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = _("Results")
