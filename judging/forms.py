"""The judging forms: the score sheet, screening, rounds and criteria, invitations, judges' details, advancing."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname as localized

from accounts.text import CleanText

from .enums import IneligibleReason, ScreeningOutcome
from .models import Criterion, Round


def criterion_field(criterion: Criterion) -> str:
    return f"criterion_{criterion.pk}"


class ScoreForm(CleanText, forms.Form):
    """One number per criterion (any may be empty in a draft), the two texts, and the version the page loaded."""

    comment = forms.CharField(
        label=_("Comment for the organizers"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the organizers read this."),
    )
    feedback = forms.CharField(
        label=_("Feedback for the entrant (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The entrant may be shown this, without your name."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm_played = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, criteria: list[Criterion], **kwargs) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[criterion_field(criterion)] = forms.IntegerField(
                label=criterion.name,
                required=False,
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                help_text=criterion.guidance,
                error_messages={
                    "invalid": _("Give a whole number."),
                    "min_value": _("Give a score from %(min)s to %(max)s.")
                    % {"min": criterion.scale_min, "max": criterion.scale_max},
                    "max_value": _("Give a score from %(min)s to %(max)s.")
                    % {"min": criterion.scale_min, "max": criterion.scale_max},
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
            )

    def criterion_fields(self):
        """(criterion, bound field) in the round's order, for the template."""
        return [(criterion, self[criterion_field(criterion)]) for criterion in self.criteria]

    def values(self) -> dict[str, int]:
        return {
            str(criterion.pk): self.cleaned_data[criterion_field(criterion)]
            for criterion in self.criteria
            if self.cleaned_data.get(criterion_field(criterion)) is not None
        }


def score_initial(sheet) -> dict:
    initial = {"expected_version": sheet.version}
    if sheet.score:
        initial |= {"comment": sheet.score.comment, "feedback": sheet.score.feedback}
        for criterion in sheet.criteria:
            initial[criterion_field(criterion)] = sheet.value_of(criterion)
    return initial


class KnowsEntrantForm(CleanText, forms.Form):
    note = forms.CharField(
        label=_("How you know them (optional, only the organizers read it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AiFlagForm(CleanText, forms.Form):
    # The page's two buttons send 1 (flag) or 0 (remove the flag).
    suspected = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
    note = forms.CharField(
        label=_("Suspect undisclosed AI use? What makes you think so (optional)"), required=False, max_length=2000
    )


class ScreeningForm(CleanText, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=ScreeningOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose eligible or not eligible.")},
    )
    reason = forms.ChoiceField(
        label=_("Reason (when not eligible)"),
        choices=[("", _("– choose a reason –")), *IneligibleReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the entrant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for “Another reason”: the entrant reads it."),
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RoundForm(CleanText, forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "name_en",
            "blind",
            "judges_per_entry",
            "avoid_same_country",
            "disagreement_threshold",
            "opens_at",
            "closes_at",
            *(localized("name", code) for code in settings.LANGUAGE_CODES if code != "en"),
        ]
        widgets = {"opens_at": DateTimeInput(), "closes_at": DateTimeInput()}
        error_messages = {"judges_per_entry": {"required": _("Say how many judges score each entry.")}}

    def __init__(self, *args, contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.contest = contest
        for code in settings.LANGUAGE_CODES:
            field = self.fields[localized("name", code)]
            field.label = _("Name in %(language)s") % {"language": get_language_info(code)["name_translated"]}
            field.required = code == "en"
        self.fields["name_en"].error_messages["required"] = _("Give the round a name, such as “Jury round”.")
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = _("In the contest's time zone (%(zone)s).") % {"zone": contest.time_zone}
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class CriterionForm(CleanText, forms.ModelForm):
    """A criterion with its name and guidance in each language (English is required, the others fall back to it)."""

    class Meta:
        model = Criterion
        fields = [
            "name_en",
            "guidance_en",
            "weight",
            "scale_min",
            "scale_max",
            *(
                localized(field, code)
                for code in settings.LANGUAGE_CODES
                if code != "en"
                for field in ("name", "guidance")
            ),
        ]
        widgets = {localized("guidance", code): forms.Textarea(attrs={"rows": 2}) for code in settings.LANGUAGE_CODES}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for code in settings.LANGUAGE_CODES:
            language = get_language_info(code)["name_translated"]
            name, guidance = self.fields[localized("name", code)], self.fields[localized("guidance", code)]
            name.label = _("Name in %(language)s") % {"language": language}
            guidance.label = _("Guidance in %(language)s") % {"language": language}
            guidance.help_text = _("What judges should look for.") if code == "en" else ""
            name.required = code == "en"
        self.fields["name_en"].error_messages["required"] = _("Give the criterion a name, such as “Message”.")
        self.fields["name_en"].help_text = _(
            "Judges reading another language see the English name when theirs is empty."
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        return data


class ReopenForm(CleanText, forms.Form):
    reason = forms.CharField(
        label=_("Why the round reopens"),
        max_length=500,
        error_messages={"required": _("Say why the round reopens: it is recorded.")},
    )


class InviteForm(CleanText, forms.Form):
    email = forms.EmailField(
        label=_("Judge's email address"),
        error_messages={"required": _("Give the judge's email address."), "invalid": _("Check the email address.")},
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)


class AddJudgeForm(CleanText, forms.Form):
    judge = forms.ModelChoiceField(
        label=_("Judge of the contest"), queryset=None, error_messages={"required": _("Choose a judge.")}
    )

    def __init__(self, *args, judges, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = judges


class AssignForm(CleanText, forms.Form):
    entry = forms.CharField(
        label=_("Entry reference"), max_length=40, error_messages={"required": _("Give the entry's reference.")}
    )
    judge = forms.ModelChoiceField(label=_("Judge"), queryset=None, error_messages={"required": _("Choose a judge.")})

    def __init__(self, *args, judges, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = judges


class JudgeDetailsForm(CleanText, forms.Form):
    country = forms.ChoiceField(
        label=_("Country you live and work in"), choices=lambda: [("", "–"), *countries], required=False
    )
    organisation = forms.CharField(
        label=_("Organisation you work for or represent"),
        required=False,
        max_length=200,
        help_text=_("You are never given the work of an entrant from the same organisation."),
    )


class ConflictForm(CleanText, forms.Form):
    email = forms.EmailField(
        label=_("Email address of a person you know who may have entered"),
        error_messages={"required": _("Give their email address."), "invalid": _("Check the email address.")},
    )
    note = forms.CharField(label=_("How you know them (optional)"), required=False, max_length=2000)


class AdvanceForm(CleanText, forms.Form):
    to_round = forms.ModelChoiceField(
        label=_("Next round"), queryset=None, error_messages={"required": _("Choose the round they go to.")}
    )
    top = forms.IntegerField(
        label=_("How many of the best advance"),
        required=False,
        min_value=1,
        help_text=_("By the normalised score; entries tied at the cut all advance. Or tick entries in the table."),
        error_messages={"min_value": _("Give a number from 1 up.")},
    )

    def __init__(self, *args, rounds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_round"].queryset = rounds
        self.fields["to_round"].empty_label = None
