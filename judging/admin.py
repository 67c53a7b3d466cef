"""Judging in the administration: rounds with their criteria, panels and judges' details to look at.

Scores, assignments and the audit log are read-only here: they change only
through the services, which write the audit chain.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from .models import (
    AISuspicion,
    Assignment,
    ConflictOfInterest,
    Criterion,
    JudgeInvitation,
    JudgeProfile,
    PanelMember,
    Round,
    RoundEntry,
    Score,
    ScreeningDecision,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CriterionInline(TranslationStackedInline):
    model = Criterion
    extra = 0


class PanelInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    readonly_fields = ("judge", "joined_at", "left_at")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(TranslationAdmin):
    list_display = ("name", "contest", "position", "state", "blind", "judges_per_entry")
    list_filter = ("contest", "state")
    readonly_fields = ("state", "opened_at", "closed_at", "reopened_count", "last_reopened_at")
    inlines = [CriterionInline, PanelInline]


@admin.register(ScreeningDecision)
class ScreeningDecisionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "outcome", "reason", "decided_at", "released_at")
    list_filter = ("outcome", "reason")
    search_fields = ("entry__reference",)


@admin.register(AISuspicion)
class AISuspicionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "noted_by", "noted_at")


@admin.register(JudgeProfile)
class JudgeProfileAdmin(ReadOnlyAdmin):
    list_display = ("judge", "contest", "country", "organisation")
    list_filter = ("contest",)
    search_fields = ("judge__email", "organisation")


@admin.register(JudgeInvitation)
class JudgeInvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "contest", "round", "invited_at", "accepted_at", "revoked_at")
    list_filter = ("contest",)
    search_fields = ("email",)


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ReadOnlyAdmin):
    list_display = ("judge", "contest", "kind", "entry", "entrant", "recorded_at")
    list_filter = ("contest", "kind")


@admin.register(RoundEntry)
class RoundEntryAdmin(ReadOnlyAdmin):
    list_display = ("entry", "round", "added_at")
    list_filter = ("round",)
    search_fields = ("entry__reference",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("entry", "judge", "round", "method", "assigned_at", "played_fraction")
    list_filter = ("round", "method")
    search_fields = ("entry__reference", "judge__email")


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "state", "total", "version", "updated_at")
    list_filter = ("state",)


