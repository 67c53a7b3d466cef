"""The accounts app's part of a person's data: the account, its addresses, date-of-birth corrections, admin history.

Download (`accounts/`): the account without its password hash; every email
address; each correction an organizer made to their date of birth, with the
reason (not who made it); the admin's history entries about the account.

Erasure (the last part, after every other app's):
- deleted: the admin's history entries about every row the other parts marked
  as the person's, and every entry whose description names them (their email
  or name); then the account, which takes with it their addresses, the
  corrections of their date of birth, and the history entries they wrote
  themselves as staff.
- kept without their name: corrections they made to other people's dates of
  birth (the database empties `corrected_by`).
"""

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import BirthDateCorrection, User
from .registry import Erasure, ExportFolder

# Shorter names would match inside unrelated words of the admin's history.
SHORTEST_NAME_SEARCHED = 3


def export(*, user: User, into: ExportFolder) -> None:
    into.records("account", User.objects.filter(pk=user.pk), leave_out=("password",))
    into.records("email_addresses", EmailAddress.objects.filter(user=user))
    into.records("birth_date_corrections", BirthDateCorrection.objects.filter(user=user), leave_out=("corrected_by",))
    history = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    into.records(
        "admin_history", history, fields=("action_time", "object_repr", "action_flag", "change_message")
    )


def erase(*, erasure: Erasure) -> None:
    about = Q(pk__in=[])
    for model, ids in erasure.subjects.items():
        about |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=sorted(ids))
    for needle in erasure.emails | erasure.names:
        if len(needle) >= SHORTEST_NAME_SEARCHED:
            about |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    LogEntry.objects.filter(about).delete()
    erasure.user.delete()
