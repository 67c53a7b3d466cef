"""Results in the administration, read-only: awards, verifications and notifications change only through the
services (and the organizer's pages), which write the audit chain."""

from django.contrib import admin

from .models import Award, ContestResults, FeedbackModeration, Notification, TieDecision, WinnerVerification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContestResults)
class ContestResultsAdmin(ReadOnlyAdmin):
    list_display = ("contest", "announce_at", "announced_at")


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("contest", "kind", "entry", "theme", "category", "decided_at")
    list_filter = ("kind",)


@admin.register(WinnerVerification)
class WinnerVerificationAdmin(ReadOnlyAdmin):
    list_display = ("entry", "identity_checked", "age_checked", "verified_by", "verified_at")
    exclude = ("document",)


@admin.register(TieDecision)
class TieDecisionAdmin(ReadOnlyAdmin):
    list_display = ("contest", "entry", "position", "decided_by", "decided_at")


@admin.register(FeedbackModeration)
class FeedbackModerationAdmin(ReadOnlyAdmin):
    list_display = ("score", "approved", "moderated_by", "moderated_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("contest", "recipient", "kind", "language", "status", "sent_at")
    list_filter = ("status", "kind")
