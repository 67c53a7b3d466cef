from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contest.admin import InContestAdmin

from .models import CoCreator, Entry, EntryDeclaration, ProcessingJob


class DeclarationInline(admin.TabularInline):
    model = EntryDeclaration
    extra = 0
    readonly_fields = ("kind", "text_version", "licence_rules_version", "accepted_at")
    can_delete = False


class CoCreatorInline(admin.TabularInline):
    model = CoCreator
    extra = 0
    readonly_fields = ("status", "invited_at", "answered_at")


@admin.register(Entry)
class EntryAdmin(InContestAdmin, admin.ModelAdmin):
    list_display = ("reference", "title", "contest", "category", "status", "local_submitted_at")
    list_select_related = ("contest", "category")
    list_filter = ("contest", "status", "category__media_kind")
    search_fields = ("reference", "title", "entrant__email")
    readonly_fields = (
        "reference",
        "status",
        "created_at",
        "updated_at",
        "submitted_at",
        "first_submitted_at",
        "withdrawn_at",
    )
    raw_id_fields = ("entrant",)
    inlines = [DeclarationInline, CoCreatorInline]

    @admin.display(description=_("submitted at"), ordering="submitted_at")
    def local_submitted_at(self, entry: Entry) -> str:
        return self.in_contest_zone(entry.submitted_at, entry.contest)

    def has_add_permission(self, request) -> bool:
        return False  # an entry is made by its entrant, through the entry form and its rules


@admin.register(ProcessingJob)
class ProcessingJobAdmin(admin.ModelAdmin):
    """Read-only: jobs change only in the worker and the sweeper; organizers look here for what failed and why."""

    list_display = ("asset", "kind", "queue", "status", "attempts", "error_code", "started_at", "finished_at")
    list_filter = ("status", "kind", "queue", "error_code")
    search_fields = ("asset__entry__reference",)
    list_select_related = ("asset__entry",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
