from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from . import services
from .enums import ContestStatus
from .models import AuditEvent, Category, Contest, ContestRole, Theme


class InContestAdmin:
    """For a model that belongs to a contest: its theme and category dropdowns offer that contest's only, and
    its times are typed and shown in the contest's zone."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if object_id else None
        contest = obj if isinstance(obj, Contest) else getattr(obj, "contest", None)
        request.voices_admin_contest = contest
        zone = contest.time_zone if contest else timezone.get_current_timezone_name()
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # The page is drawn here, in the zone: a template response left to render later would use UTC.
            if hasattr(response, "render"):
                response.render()
            return response

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        contest = getattr(request, "voices_admin_contest", None)
        if contest is not None and db_field.related_model in (Theme, Category):
            kwargs["queryset"] = db_field.related_model.objects.filter(contest=contest)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @staticmethod
    def in_contest_zone(moment, contest: Contest) -> str:
        if moment is None:
            return "–"
        return timezone.localtime(moment, contest.zone).strftime("%Y-%m-%d %H:%M") + f" ({contest.time_zone})"


class ThemeInline(TranslationStackedInline):
    model = Theme
    extra = 0


class CategoryInline(TranslationStackedInline):
    model = Category
    extra = 0


@admin.register(Contest)
class ContestAdmin(InContestAdmin, TranslationAdmin):
    list_display = ("title", "status", "local_opens_at", "local_closes_at", "time_zone")
    list_filter = ("status",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ThemeInline, CategoryInline]
    # The state changes only through the moves below, each checked against the contest's life and audited.
    readonly_fields = ("status", "closed_at")
    actions = ["open_for_entries", "close_to_entries", "back_to_draft", "start_judging"]

    def _move(self, request, queryset, to: ContestStatus, done: str) -> None:
        moved = 0
        for contest in queryset:
            if not request.user.has_perm("contest.manage_contest", contest):
                continue
            try:
                services.change_contest_status(contest=contest, to=to, by=request.user, now=timezone.now())
            except services.IllegalTransition:
                self.message_user(
                    request,
                    _("“%(contest)s” is “%(state)s” and cannot become “%(to)s”.")
                    % {"contest": contest, "state": contest.get_status_display(), "to": ContestStatus(to).label},
                    messages.ERROR,
                )
            else:
                moved += 1
        if moved:
            self.message_user(request, done % {"count": moved}, messages.SUCCESS)

    @admin.action(description=_("Open for entries"))
    def open_for_entries(self, request, queryset):
        self._move(request, queryset, ContestStatus.OPEN, _("Contests opened: %(count)s."))

    @admin.action(description=_("Close to entries (before the deadline: closing early)"))
    def close_to_entries(self, request, queryset):
        self._move(request, queryset, ContestStatus.CLOSED, _("Contests closed: %(count)s."))

    @admin.action(description=_("Take back to a draft"))
    def back_to_draft(self, request, queryset):
        self._move(request, queryset, ContestStatus.DRAFT, _("Contests taken back to a draft: %(count)s."))

    @admin.action(description=_("Move to judging"))
    def start_judging(self, request, queryset):
        self._move(request, queryset, ContestStatus.JUDGING, _("Contests moved to judging: %(count)s."))

    @admin.display(description=_("opens at"), ordering="opens_at")
    def local_opens_at(self, contest: Contest) -> str:
        return timezone.localtime(contest.opens_at, contest.zone).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("closes at"), ordering="closes_at")
    def local_closes_at(self, contest: Contest) -> str:
        return timezone.localtime(contest.closes_at, contest.zone).strftime("%Y-%m-%d %H:%M")


@admin.register(ContestRole)
class ContestRoleAdmin(admin.ModelAdmin):
    list_display = ("contest", "user", "role", "created_at")
    list_filter = ("contest", "role")
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events are written only by the services, in the transaction of the change they record."""

    list_display = ("sequence", "at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "contest")
    search_fields = ("object_id", "actor_label")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.site_header = _("Voices administration")
admin.site.site_title = _("Voices administration")
admin.site.index_title = _("Contests, entries and people")
