from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import UserAdminChangeForm
from .models import BirthDateCorrection, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "full_name",
                    "public_name",
                    "date_of_birth",
                    "birth_date_correction_reason",
                    "country",
                    "preferred_language",
                    "organisation",
                    "gender",
                )
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj: User, form, change: bool) -> None:
        reason = form.cleaned_data.get("birth_date_correction_reason", "").strip()
        if change and "date_of_birth" in form.changed_data and reason:
            corrected = obj.date_of_birth
            obj.date_of_birth = form.initial.get("date_of_birth")
            super().save_model(request, obj, form, change)
            services.correct_birth_date(
                user=obj, date_of_birth=corrected, reason=reason, by=request.user, now=timezone.now()
            )
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    # Deleting a person here erases them as their own "delete my account" does: files, audit texts, stand-ins.
    def delete_model(self, request, obj: User) -> None:
        services.delete_account(user=obj, now=timezone.now())

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            services.delete_account(user=user, now=timezone.now())


@admin.register(BirthDateCorrection)
class BirthDateCorrectionAdmin(admin.ModelAdmin):
    list_display = ("user", "previous", "corrected", "corrected_by", "corrected_at")
    readonly_fields = ("user", "previous", "corrected", "reason", "corrected_by", "corrected_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
