"""The vote in the admin, read-only: every change goes through the organizer's pages, which audit it."""

from django.contrib import admin

from .models import Ballot, Vote, VotingSettings


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnly):
    list_display = ("contest", "category", "state", "opens_at", "closes_at")
    list_filter = ("state",)


@admin.register(Ballot)
class BallotAdmin(ReadOnly):
    list_display = ("vote", "entry", "email_domain", "address_block", "country", "cast_at", "voided_at")
    list_filter = ("vote",)


@admin.register(VotingSettings)
class VotingSettingsAdmin(ReadOnly):
    list_display = ("contest",)
