"""The results app: deciding, announcing, the winners' gallery, notifications, certificates and reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from accounts import registry
        from submissions import files

        from . import personal_data

        registry.register(self.label, export=personal_data.export, erase=personal_data.erase)

        files.register(StoredFiles())


class StoredFiles:
    """The files results keep about entries: published copies (public) and winners' identity documents (private)."""

    def named(self):
        from .models import PublishedFile, WinnerVerification

        yield from (("public", name) for name in PublishedFile.objects.values_list("file", flat=True))
        yield from (("private", name) for name in WinnerVerification.objects.exclude(document="").values_list(
            "document", flat=True))

    def of(self, *, entry_ids=(), rendition_ids=()):
        from django.db.models import Q

        from .models import PublishedFile, WinnerVerification

        published = PublishedFile.objects.filter(Q(entry__in=entry_ids) | Q(rendition__in=rendition_ids))
        yield from (("public", name) for name in published.values_list("file", flat=True))
        documents = WinnerVerification.objects.filter(entry__in=entry_ids).exclude(document="")
        yield from (("private", name) for name in documents.values_list("document", flat=True))
