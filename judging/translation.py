"""Which judging texts are kept per language (falling back to English)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Criterion, Round


@register(Round)
class RoundTranslation(TranslationOptions):
    fields = ("name",)


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("name", "guidance")
