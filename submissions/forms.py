"""The entry form, the co-creator invitation, and the forms for release forms and captions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.text import CleanText
from contest.eligibility import birth_date_problems
from contest.enums import MediaKind
from contest.models import Category, Contest

from .enums import Declaration
from .models import Entry
from .words import word_count


class EntryForm(CleanText, forms.ModelForm):
    """Saving a draft needs only a title, theme and category; the declarations are ticked before submitting."""

    declarations = forms.MultipleChoiceField(
        label=_("Declarations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Declaration.choices,
        help_text=_("All four are needed before you can submit."),
    )

    class Meta:
        model = Entry
        fields = [
            "title",
            "theme",
            "category",
            "description",
            "statement",
            "languages",
            "essay_text",
            "ai_use",
            "ai_use_details",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "statement": forms.Textarea(attrs={"rows": 6}),
            "essay_text": forms.Textarea(attrs={"rows": 16}),
            "ai_use": forms.RadioSelect,
            "ai_use_details": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": _("Give your entry a title.")},
            "theme": {"required": _("Choose the theme your work is about.")},
            "category": {"required": _("Choose the kind of work you are sending.")},
        }

    def __init__(self, *args, contest: Contest, category: Category | None = None, **kwargs) -> None:
        """`category`: the kind of work a new entry was started for; only its fields are shown (no essay box for
        a video). An existing entry shows the fields of its own category."""
        super().__init__(*args, **kwargs)
        self.contest = contest
        self.kind = category.media_kind if category else (self.instance.category.media_kind
                                                           if self.instance.pk else None)
        self.fields["theme"].queryset = contest.themes.all()
        self.fields["category"].queryset = contest.categories.all()
        self.fields["theme"].empty_label = None
        self.fields["category"].empty_label = None
        self.fields["theme"].widget = forms.RadioSelect(choices=self.fields["theme"].choices)
        self.fields["category"].widget = forms.RadioSelect(choices=self.fields["category"].choices)
        self.fields["statement"].help_text = _(
            "What you made and why, in at most %(max)s words. Judges read it beside your work."
        ) % {"max": contest.statement_max_words}
        self.fields["statement"].widget.attrs["data-max-words"] = contest.statement_max_words
        self.fields["essay_text"].help_text = _("For the essay category: type or paste your essay here.")
        self.fields["languages"].help_text = _("For example: Spanish, Mixtec.")
        self.fields["ai_use_details"].help_text = _("Which tools, and what they did. Needed unless you used none.")
        if self.instance.pk:
            self.initial.setdefault("declarations", list(self.instance.declarations.values_list("kind", flat=True)))
        essay = category if category and category.media_kind == MediaKind.ESSAY else (
            contest.categories.filter(media_kind=MediaKind.ESSAY).first())
        if essay and essay.max_words:
            self.fields["essay_text"].widget.attrs["data-max-words"] = essay.max_words
        if category is not None:
            # Chosen on the step before: sent back as it was, and checked against the contest's categories.
            self.fields["category"].widget = forms.HiddenInput()
            self.initial["category"] = category.pk
        if self.kind is not None and self.kind != MediaKind.ESSAY:
            del self.fields["essay_text"]

    def clean_statement(self) -> str:
        statement = self.cleaned_data["statement"]
        words = word_count(statement)
        if words > self.contest.statement_max_words:
            raise forms.ValidationError(
                _("Your work notes have %(words)s words; shorten them to at most %(max)s.")
                % {"words": words, "max": self.contest.statement_max_words}
            )
        return statement

    def clean(self) -> dict:
        data = super().clean()
        category = data.get("category")
        if category and category.media_kind != MediaKind.ESSAY:
            data["essay_text"] = ""  # a work of another kind has no essay, even one typed before a change
        essay = data.get("essay_text", "")
        if category and category.media_kind == MediaKind.ESSAY and category.max_words:
            words = word_count(essay)
            if words > category.max_words:
                self.add_error(
                    "essay_text",
                    _("Your essay has %(words)s words; this category allows at most %(max)s. Shorten it.")
                    % {"words": words, "max": category.max_words},
                )
        return data


class CoCreatorForm(CleanText, forms.Form):
    name = forms.CharField(
        label=_("Their full name"), max_length=200, error_messages={"required": _("Enter the co-creator's full name.")}
    )
    email = forms.EmailField(
        label=_("Their email address"),
        error_messages={
            "required": _("Enter the co-creator's email address: they confirm their part by email."),
            "invalid": _("Enter a whole email address, such as name@example.org."),
        },
    )
    date_of_birth = forms.DateField(
        label=_("Their date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the co-creator's date of birth: the contest's age limits apply to them too."),
            "invalid": _("Enter the date as year-month-day, for example 2001-04-23."),
        },
        input_formats=["%Y-%m-%d"],
    )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if problems := birth_date_problems(value, today=timezone.localdate()):
            raise forms.ValidationError(problems)
        return value


class ReleaseFormForm(CleanText, forms.Form):
    """One signed release form: a PDF, or a photo or scan of the paper."""

    prefix = "release"  # two file forms on one page: their fields' ids must differ
    file = forms.FileField(
        label=_("Signed release form (PDF, JPG or PNG, at most 10 MB)"),
        error_messages={"required": _("Choose the file of the signed form, then press Add.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


def _caption_languages():
    from .attachments import caption_languages

    return [("", _("Choose a language")), *caption_languages()]


class CaptionsForm(CleanText, forms.Form):
    """Captions in one language, as SRT or WebVTT."""

    prefix = "captions"
    language = forms.ChoiceField(
        label=_("Language of the captions"),
        choices=_caption_languages,
        error_messages={"required": _("Choose the language the captions are written in.")},
    )
    file = forms.FileField(
        label=_("Caption file (SRT or WebVTT, at most 1 MB)"),
        error_messages={"required": _("Choose the caption file, then press Add.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".srt,.vtt"}),
    )
