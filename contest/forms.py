"""Forms an entrant fills in to register for a contest, and those an organizer sets the contest up with."""

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from accounts.text import CleanText

from .models import Category, Contest, Theme


class RegistrationForm(CleanText, forms.Form):
    accept_rules = forms.BooleanField(
        label=_("I have read the rules above and accept them."),
        error_messages={"required": _("Tick this box to accept the rules: you cannot register without them.")},
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Tick this box to confirm you have read the privacy notice.")},
    )
    accept_processing = forms.BooleanField(
        label=_("I agree that the organizers keep and use my data as the privacy notice says, to run the contest."),
        error_messages={"required": _("Tick this box: the contest cannot be run without using your data.")},
    )


class GuardianRequestForm(CleanText, forms.Form):
    guardian_email = forms.EmailField(
        label=_("Your parent's or guardian's email address"),
        error_messages={
            "required": _("Enter the email address of a parent or guardian."),
            "invalid": _("Enter a whole email address, such as name@example.org."),
        },
    )

    def __init__(self, *args, entrant_email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entrant_email = entrant_email
        self.fields["guardian_email"].widget.attrs["autocomplete"] = "off"

    def clean_guardian_email(self) -> str:
        email = self.cleaned_data["guardian_email"]
        if email.lower() == self.entrant_email.lower():
            raise forms.ValidationError(_("This is your own address. Enter your parent's or guardian's address."))
        return email


# --- Setting a contest up (the organizer's pages) ------------------------------------
# The languages side by side: English, the texts' source, first; then the others as the site lists them.
def text_languages() -> list[tuple[str, str]]:
    """(language code, model field suffix) pairs, English first."""
    codes = sorted(settings.LANGUAGE_CODES, key=lambda code: code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    return [(code, build_localized_fieldname("", code)[1:]) for code in codes]


def _language_name(code: str) -> str:
    return get_language_info(code)["name_translated"]


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser's date-and-time picker; the time is read in the zone active while the form is handled."""

    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _local_datetime_field(label, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Give a date and a time."),
            "invalid": _("Give a date and a time, such as 2027-03-01 09:00."),
        },
    )


class NewContestForm(CleanText, forms.Form):
    copy_from = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=Contest.objects.none(),
        required=False,
        empty_label=_("An empty contest"),
        help_text=_("A copy takes the themes, categories, rules, eligibility and every language's texts. "
                    "It starts as a draft, with its rules at version 1."),
    )
    title = forms.CharField(
        label=_("Title (English)"), max_length=200,
        error_messages={"required": _("Give the contest a title.")},
    )
    summary = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown in lists. For a copy, leave empty to keep last year's."),
    )
    slug = forms.SlugField(
        label=_("Address name"),
        help_text=_("Used in the page address: small letters, digits and hyphens, such as youth-contest-2027."),
        error_messages={
            "required": _("Give an address name, such as youth-contest-2027."),
            "invalid": _("Use only small letters, digits and hyphens, such as youth-contest-2027."),
        },
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, initial="UTC", required=False,
        help_text=_("For a copy, the copied contest's zone is kept."),
    )
    opens_at = _local_datetime_field(
        _("Opens at"), required=False, help_text=_("In the contest's time zone. For a copy, leave empty to move "
                                                   "last year's dates on a year."),
    )
    closes_at = _local_datetime_field(_("Closes at"), required=False, help_text=_("In the contest's time zone."))

    def __init__(self, *args, sources, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = sources

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Contest.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another contest has this address name. Choose another one."))
        return slug

    def clean(self):
        data = super().clean()
        copying = data.get("copy_from") is not None
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if not copying:
            if not data.get("summary", "").strip():
                self.add_error("summary", _("Write one or two sentences on what the contest is about."))
            if not data.get("time_zone") and "time_zone" not in self.errors:
                self.add_error("time_zone", _("Choose the contest's time zone."))
            for name in ("opens_at", "closes_at"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give a date and a time."))
        elif bool(opens) != bool(closes):
            self.add_error("closes_at" if opens else "opens_at",
                           _("Give both dates, or leave both empty to move last year's dates on a year."))
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class DatesForm(CleanText, forms.ModelForm):
    """Dates (in the contest's zone) and the limits of the whole contest."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    opens_at = _local_datetime_field(_("Opens at"))
    closes_at = _local_datetime_field(_("Closes at"))

    class Meta:
        model = Contest
        fields = ["slug", "time_zone", "opens_at", "closes_at", "upload_grace_minutes", "reference_prefix",
                  "max_entries_per_entrant", "max_team_size", "statement_max_words"]


class EligibilityForm(CleanText, forms.ModelForm):
    class Meta:
        model = Contest
        fields = ["min_age", "max_age", "age_reference", "age_reference_date", "guardian_consent_below_age",
                  "eligible_countries"]
        widgets = {"age_reference_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"eligible_countries": _("Leave empty to admit every country. Hold Ctrl (or ⌘) to choose "
                                              "several, or type a country's first letters.")}


class ThemeForm(CleanText, forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["position", "title_en", "description_en"]
        labels = {"title_en": _("Title (English)"), "description_en": _("Description (English)")}
        widgets = {"description_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title_en"].required = True
        self.fields["title_en"].error_messages["required"] = _("Give the theme a title, or tick “Remove”.")


class CategoryForm(CleanText, forms.ModelForm):
    allowed_formats = forms.CharField(
        label=_("Allowed formats"),
        required=False,
        help_text=_("File name endings separated by commas, such as mp4, mov."),
    )
    max_size_mb = forms.IntegerField(
        label=_("Largest file, in MB"), required=False, min_value=1,
        error_messages={"min_value": _("Give at least 1 MB, or leave it empty for no limit.")},
    )

    class Meta:
        model = Category
        fields = ["position", "title_en", "media_kind", "allowed_formats", "max_size_mb", "max_duration_seconds",
                  "min_long_side_px", "max_entries_per_entrant", "min_words", "max_words", "max_pages",
                  "description_en"]
        labels = {"title_en": _("Title (English)"), "description_en": _("Description (English)")}
        widgets = {"description_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title_en"].required = True
        self.fields["title_en"].error_messages["required"] = _("Give the category a title, or tick “Remove”.")
        if self.instance.pk:
            self.initial["allowed_formats"] = ", ".join(self.instance.allowed_formats or [])
            if self.instance.max_size_bytes:
                self.initial["max_size_mb"] = max(1, round(self.instance.max_size_bytes / (1024 * 1024)))

    def clean_allowed_formats(self) -> list[str]:
        formats = [part.strip().lstrip(".").lower() for part in self.cleaned_data["allowed_formats"].split(",")]
        formats = [part for part in formats if part]
        if any(not part.isalnum() or len(part) > 10 for part in formats):
            raise forms.ValidationError(_("Write file name endings separated by commas, such as mp4, mov."))
        return formats

    def clean(self):
        data = super().clean()
        low, high = data.get("min_words"), data.get("max_words")
        if low is not None and high is not None and high < low:
            self.add_error("max_words", _("The most words must not be fewer than the fewest words."))
        return data

    def save(self, commit: bool = True):
        category = super().save(commit=False)
        category.allowed_formats = self.cleaned_data["allowed_formats"]
        size = self.cleaned_data.get("max_size_mb")
        category.max_size_bytes = size * 1024 * 1024 if size else None
        if commit:
            category.save()
        return category


class PartsFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")


ThemeFormSet = forms.inlineformset_factory(
    Contest, Theme, form=ThemeForm, formset=PartsFormSet, extra=1, can_delete=True
)
CategoryFormSet = forms.inlineformset_factory(
    Contest, Category, form=CategoryForm, formset=PartsFormSet, extra=1, can_delete=True
)


class TextsForm(CleanText, forms.ModelForm):
    """One object's translated texts, every language side by side; `rows()` groups them by text."""

    def __init__(self, *args, texts: tuple[str, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts
        for name in texts:
            for code, suffix in text_languages():
                field = self.fields[f"{name}_{suffix}"]
                field.label = _language_name(code)
                field.required = False
                field.widget.attrs.update({"lang": code, "dir": "rtl" if get_language_info(code)["bidi"] else "ltr"})
                if isinstance(field.widget, forms.Textarea):
                    field.widget.attrs["rows"] = 4

    def rows(self) -> list[dict]:
        """Per text: its name and its field in each language, those still to translate marked."""
        rows = []
        for name in self.texts:
            model_field = self._meta.model._meta.get_field(name)
            english = (self[f"{name}_en"].value() or "").strip()
            cells = []
            for code, suffix in text_languages():
                bound = self[f"{name}_{suffix}"]
                missing = bool(english) and not (bound.value() or "").strip()
                cells.append({"code": code, "field": bound, "missing": missing})
            rows.append({"name": model_field.verbose_name, "cells": cells,
                         "missing": sum(cell["missing"] for cell in cells)})
        return rows

    def missing(self) -> int:
        return sum(row["missing"] for row in self.rows())


def texts_form(model, names: tuple[str, ...]):
    """A TextsForm class for `model`'s texts `names`, with a column per language."""
    fields = [f"{name}_{suffix}" for name in names for _code, suffix in text_languages()]
    return forms.modelform_factory(model, form=TextsForm, fields=fields)


CONTEST_TEXTS = ("title", "summary", "call_text", "organisers", "partners")
RULES_TEXTS = ("rules_text", "licence_text")
PART_TEXTS = ("title", "description")


class RulesForm(texts_form(Contest, RULES_TEXTS)):
    NEW_VERSION, CORRECTION = "new", "correction"
    publish_as = forms.ChoiceField(
        label=_("This change is"),
        widget=forms.RadioSelect,
        choices=[
            (NEW_VERSION, _("A new version of the rules: every registered entrant is asked to accept it again")),
            (CORRECTION, _("A correction that changes no meaning (a typo, a translation added): "
                           "the version stays, and so do the acceptances")),
        ],
        initial=NEW_VERSION,
        error_messages={"required": _("Choose whether this is a new version or a correction.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, texts=RULES_TEXTS, **kwargs)
