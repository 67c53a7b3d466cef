"""Which results texts are kept per language (falling back to English)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Award


@register(Award)
class AwardTranslation(TranslationOptions):
    fields = ("name", "citation")
