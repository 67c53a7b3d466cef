from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Category, Contest, ContestRole, Theme


class ThemeInline(TranslationTabularInline):
    model = Theme
    extra = 0


class CategoryInline(TranslationTabularInline):
    model = Category
    extra = 0


@admin.register(Contest)
class ContestAdmin(TranslationAdmin):
    list_display = ("title", "status", "opens_at", "closes_at", "time_zone")
    list_filter = ("status",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ThemeInline, CategoryInline]


@admin.register(ContestRole)
class ContestRoleAdmin(admin.ModelAdmin):
    list_display = ("contest", "user", "role", "created_at")
    list_filter = ("contest", "role")
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)
