"""Values from outside the site (query string, form fields read one by one, headers) read one way.

A view never calls `int()` on what it was sent, nor looks a raw value up in
the database: it asks here, and what cannot be used is refused with a 400, or
a 404 when it stands for an object (an id that is not a number names nothing).
Forms do the same for whole forms; the path converters (contest/converters.py)
for the parts of an address.
"""

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

# PostgreSQL's bigint: a larger id names nothing, a larger count is nonsense.
LARGEST = 2**63 - 1
_ID = forms.IntegerField(min_value=1, max_value=LARGEST)
_COUNT = forms.IntegerField(min_value=0, max_value=LARGEST)


class Unusable(BadRequest):
    """A value the site cannot use; its message is for the person, and the 400 page shows it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message_for_person = message


def object_id(value) -> int:
    """An id sent in a form or a link; one that is missing or not a whole number names nothing: 404."""
    try:
        return _ID.clean(value)
    except ValidationError:
        raise Http404 from None


def whole_number(data: QueryDict, name: str) -> int | None:
    """An optional whole number (a page's cursor, a start): None when absent, 400 when it is not one."""
    value = data.get(name, "")
    if value == "":
        return None
    try:
        return _COUNT.clean(value)
    except ValidationError:
        raise Unusable(_("The address is damaged: %(name)s is not a number.") % {"name": name}) from None

