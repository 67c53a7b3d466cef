"""The vote's forms: a visitor's choice and address; the organizer's vote, void and domain list."""

import zoneinfo
from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.text import CleanText
from contest.models import Category, Contest

from .disposable import parse

LOCAL_TIME = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


class BallotForm(CleanText, forms.Form):
    entry = forms.TypedChoiceField(label=_("Your choice"), coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": _("Choose the work you vote for."),
                                                   "invalid_choice": _("Choose one of the works listed.")})
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             help_text=_("We send a link there: your vote counts once you follow it. "
                                         "One vote per address; vote again to change it until the close."),
                             error_messages={"required": _("Give your email address: the link to confirm your "
                                                           "vote is sent there."),
                                             "invalid": _("Give a whole email address, such as name@example.org.")})

    def __init__(self, *args, entries, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [(entry.pk, entry.title) for entry in entries]
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "dir": "ltr"})


class VoteForm(CleanText, forms.Form):
    category = forms.ModelChoiceField(label=_("Scope"), queryset=Category.objects.none(), required=False,
                                      empty_label=_("Overall: the whole shortlist"),
                                      error_messages={"invalid_choice": _("Choose a scope from the list.")})
    opens_at = forms.DateTimeField(label=_("Opens on"), **LOCAL_TIME,
                                   error_messages={"required": _("Give the date and time the vote opens."),
                                                   "invalid": _("Give the date and time as 2027-03-01 10:00.")})
    closes_at = forms.DateTimeField(label=_("Closes on"), **LOCAL_TIME,
                                    error_messages={"required": _("Give the date and time the vote closes."),
                                                    "invalid": _("Give the date and time as 2027-03-01 10:00.")})

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(contest.time_zone)
        self.fields["category"].queryset = Category.objects.filter(contest=contest).order_by("position", "pk")
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = _("In the contest's time zone, %(zone)s.") % {"zone": contest.time_zone}

    def _local(self, name: str) -> datetime:
        # The organizer means the contest's clock, whatever zone the server or their browser is in.
        return self.cleaned_data[name].replace(tzinfo=None).replace(tzinfo=self.zone)

    def clean_opens_at(self) -> datetime:
        return self._local("opens_at")

    def clean_closes_at(self) -> datetime:
        return self._local("closes_at")


class VoidForm(CleanText, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             error_messages={"required": _("Give the reason for voiding this vote: it is kept in "
                                                           "the audit log.")})


class DomainsForm(CleanText, forms.Form):
    domains = forms.CharField(label=_("Refused email domains"), required=False,
                              widget=forms.Textarea(attrs={"rows": 8, "dir": "ltr"}),
                              help_text=_("One domain per line. Addresses at these domains, or under them, "
                                          "cannot vote."))

    def clean_domains(self) -> str:
        text = self.cleaned_data["domains"]
        bad = [word for word in parse(text) if "." not in word or "@" in word or len(word) > 253]
        if bad:
            raise forms.ValidationError(_("These are not domain names: %(words)s. Write one domain per line, "
                                          "such as mailinator.com.") % {"words": ", ".join(bad[:5])})
        return text
