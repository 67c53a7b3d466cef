"""Text from outside is cleaned where it enters: no NUL or control characters, no hidden direction changes.

Every form of the site mixes in `CleanText` (accounts is the lowest app, so all can): a one-line field loses
its control characters (a tab or line break becomes a space) and refuses the characters that override or
isolate the direction of text, which can show `gpj.exe` after U+202E as `exe.jpg`; a multi-line field keeps tabs
and line breaks and loses the rest. File names from uploads go through `clean_file_name`. The data
migration results/0003 cleaned what was stored before, with the same functions.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls, DEL and C1 controls, but tab, line feed and carriage return, which are handled on their own.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile("\r\n|[\t\n\r\x85\u2028\u2029]")
# Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI); the marks LRM, RLM and ALM stay.
DIRECTION_CHANGES = re.compile("[\u202a-\u202e\u2066-\u2069]")
LONGEST_FILE_NAME = 255
FILE_NAME_DIRECTION_MESSAGE = _(
    "The file's name contains invisible characters that reverse the direction of text, which can disguise what "
    "kind of file it is. Rename the file, then choose it again."
)
DIRECTION_MESSAGE = _(
    "This contains invisible characters that reverse the direction of text, which can disguise what it says. "
    "Type it again without them."
)


def clean_line(value: str) -> str:
    """One line of text: control characters gone, tabs and line breaks made spaces."""
    return CONTROLS.sub("", LINE_BREAKS.sub(" ", value))


def clean_lines(value: str) -> str:
    """Text of several lines: line breaks made `\\n`, tabs kept, other control characters and direction
    overrides gone (the text reads as it was typed; the page shows it in its own direction)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return DIRECTION_CHANGES.sub("", CONTROLS.sub("", value))


def changes_direction(value: str) -> bool:
    return bool(DIRECTION_CHANGES.search(value))


def refuse_direction_changes(value) -> None:
    if isinstance(value, str) and changes_direction(value):
        raise ValidationError(DIRECTION_MESSAGE, code="direction")


def refuse_direction_changes_in_file_name(value) -> None:
    if changes_direction(getattr(value, "name", "") or ""):
        raise ValidationError(FILE_NAME_DIRECTION_MESSAGE, code="direction")


def clean_stored(value: str, *, multiline: bool) -> str:
    """What the data migration makes of text stored before: cleaned, direction overrides dropped."""
    return clean_lines(value) if multiline else DIRECTION_CHANGES.sub("", clean_line(value))


def clean_file_name(name: str, *, fallback: str = "file") -> str:
    """A file's name as sent by a browser: one readable line, no folders (`../`, `C:\\`), at most 255
    characters with its extension kept; `fallback` when nothing is left. Direction changes are the
    caller's to refuse (`changes_direction`) before this."""
    name = unicodedata.normalize("NFC", clean_line(name))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.strip().lstrip(".").strip()
    if not name:
        return fallback
    if len(name) > LONGEST_FILE_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: LONGEST_FILE_NAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:LONGEST_FILE_NAME]
    return name


def _prepare(field: forms.Field) -> None:
    if getattr(field, "cleans_text", False):
        return
    field.cleans_text = True
    if isinstance(field, forms.FileField):
        field.validators.append(refuse_direction_changes_in_file_name)
        return
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return
    multiline = isinstance(field.widget, forms.Textarea)
    clean = clean_lines if multiline else clean_line
    to_python = field.to_python

    def cleaned_to_python(value):
        return to_python(clean(value) if isinstance(value, str) else value)

    field.to_python = cleaned_to_python
    if not multiline:
        field.validators.append(refuse_direction_changes)


class CleanText:
    """Mixed into a form (before forms.Form or forms.ModelForm): its text fields clean what they are sent.

    Fields are prepared when the form is cleaned, so fields added in a subclass's `__init__` are cleaned too.
    """

    def full_clean(self) -> None:
        for field in self.fields.values():
            _prepare(field)
        super().full_clean()
