from django.contrib import admin

from .models import CoCreator, Entry, EntryDeclaration


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
class EntryAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "contest", "category", "status", "submitted_at")
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
