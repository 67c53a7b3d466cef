"""Forms organizers fill in to decide, verify, schedule and report on a contest's results."""

import zoneinfo
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname as localized

from accounts.text import CleanText
from contest.models import Contest
from judging.models import Criterion
from submissions.enums import EntryStatus

from .enums import AwardKind, TieBreakStep

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class TieBreakForm(CleanText, forms.Form):
    """The steps are chosen in order: first, second, third… A step left empty ends the rule."""

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— none —")), *TieBreakStep.choices]
        for index in range(1, 5):
            self.fields[f"step_{index}"] = forms.ChoiceField(
                label=_("Step %(number)s") % {"number": index}, choices=choices, required=index == 1,
                error_messages={"required": _("Choose at least the first step.")},
            )
        self.fields["criterion"] = forms.ModelChoiceField(
            label=_("Criterion for “Higher mean on the named criterion”"),
            queryset=Criterion.objects.filter(round__contest=contest).select_related("round"),
            required=False,
            help_text=_("A criterion of the final round."),
        )

    def clean(self):
        data = super().clean()
        steps = [data.get(f"step_{i}") for i in range(1, 5)]
        steps = [s for s in steps if s]
        if len(set(steps)) != len(steps):
            raise forms.ValidationError(_("Each step may appear once. Leave the later steps empty instead."))
        if TieBreakStep.CRITERION_MEAN in steps and not data.get("criterion"):
            self.add_error("criterion", _("Choose the criterion, or remove the step that names it."))
        data["steps"] = steps
        return data


class TieDecisionForm(CleanText, forms.Form):
    entries = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for this order"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for this order: it is kept with the decision.")},
    )

    def __init__(self, *args, tied_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tied_ids = tied_ids
        for entry_id in tied_ids:
            self.fields[f"position_{entry_id}"] = forms.IntegerField(
                label=_("Place"), min_value=1, max_value=len(tied_ids),
                error_messages={"required": _("Give every tied entry its place."),
                                "min_value": _("Places start at 1."),
                                "max_value": _("There are only %(limit_value)s tied entries.")},
            )

    def ordered_ids(self) -> list[int]:
        positions = {pk: self.cleaned_data[f"position_{pk}"] for pk in self.tied_ids}
        if len(set(positions.values())) != len(positions):
            raise forms.ValidationError(_("Give each tied entry a different place."))
        return sorted(positions, key=positions.get)


class AwardForm(CleanText, forms.Form):
    kind = forms.ChoiceField(label=_("Award"), choices=AwardKind.choices)
    # A reference typed or pasted from the ranking, not a list of every entry: a contest can have thousands.
    entry = forms.CharField(
        label=_("Entry reference"), max_length=40,
        help_text=_("As shown in the ranking, such as CCM-2026-0042."),
        error_messages={"required": _("Give the reference of the entry that wins this award.")},
    )
    scope = forms.ChoiceField(label=_("For"), required=False)

    def __init__(self, *args, contest: Contest, themes=None, categories=None, **kwargs) -> None:
        """`themes` and `categories` are the contest's, when the caller has them already."""
        super().__init__(*args, **kwargs)
        self.contest = contest
        scopes = [("", _("The whole contest"))]
        scopes += [(f"theme:{t.pk}", _("Theme: %(title)s") % {"title": t.title})
                   for t in (contest.themes.all() if themes is None else themes)]
        scopes += [(f"category:{c.pk}", _("Category: %(title)s") % {"title": c.title})
                   for c in (contest.categories.all() if categories is None else categories)]
        self.fields["scope"].choices = scopes
        for code in settings.LANGUAGE_CODES:
            language = get_language_info(code)["name_translated"]
            self.fields[localized("name", code)] = forms.CharField(
                label=_("Name of the special prize (%(language)s)") % {"language": language},
                required=False, max_length=200,
            )
            self.fields[localized("citation", code)] = forms.CharField(
                label=_("Citation (%(language)s)") % {"language": language},
                required=False, widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_entry(self):
        reference = self.cleaned_data["entry"].strip()
        entry = self.contest.entries.filter(status=EntryStatus.SUBMITTED, reference__iexact=reference).first()
        if entry is None:
            raise forms.ValidationError(
                _("No submitted entry of this contest has the reference %(reference)s. Copy it from the ranking.")
                % {"reference": reference}
            )
        return entry

    def texts(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items()
                if name.startswith(("name_", "citation_")) and value}


class VerificationForm(CleanText, forms.Form):
    identity_checked = forms.BooleanField(label=_("I have checked the entrant's identity."), required=False)
    age_checked = forms.BooleanField(label=_("I have checked the entrant's age against the contest's rule."),
                                     required=False)
    publish_name = forms.BooleanField(
        label=_("The entrant agrees that their public name is shown with their work."), required=False
    )
    publish_country = forms.BooleanField(
        label=_("The entrant agrees that their country is shown with their work."), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("How the check was made. Do not copy document numbers here."))
    document = forms.FileField(
        label=_("Identity document (optional)"), required=False,
        help_text=_("Kept privately until both checks are ticked, then deleted."),
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB. Upload a smaller scan or photo."))
        return document


class ScheduleForm(CleanText, forms.Form):
    at = forms.DateTimeField(
        label=_("Announce on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Give the date and time of the announcement."),
                        "invalid": _("Give the date and time as 2027-03-01 10:00.")},
    )

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(contest.time_zone)
        self.fields["at"].help_text = _("In the contest's time zone, %(zone)s.") % {"zone": contest.time_zone}

    def clean_at(self) -> datetime:
        value = self.cleaned_data["at"]
        # The organizer means the contest's clock, whatever zone the server or their browser is in.
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)


class SettingsForm(CleanText, forms.Form):
    shortlist_size = forms.IntegerField(label=_("Entries in the exhibition"), min_value=1, max_value=100,
                                        error_messages={"min_value": _("Show at least one entry."),
                                                        "max_value": _("Show at most 100 entries.")})
    include_feedback = forms.BooleanField(label=_("Include approved judges' feedback in the result emails"),
                                          required=False)
    retention_days = forms.IntegerField(
        label=_("Delete non-winning originals after (days)"), min_value=0, max_value=3650, required=False,
        help_text=_("Counted from the announcement. Leave empty to keep them."),
    )


class FeedbackForm(CleanText, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Send to the entrant")), ("reject", _("Do not send"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Text sent to the entrant"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class EntryFilterForm(CleanText, forms.Form):
    theme = forms.IntegerField(required=False)
    category = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "")] + list(EntryStatus.choices))
    country = forms.CharField(required=False, max_length=2)
