"""Which contest texts are kept per language (falling back to English)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Contest, Theme


@register(Contest)
class ContestTranslation(TranslationOptions):
    fields = ("title", "summary", "call_text", "organisers", "partners", "rules_text", "licence_text")


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("title", "description")
