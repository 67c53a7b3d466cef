"""Changes to a person's account: the profile, a download of their data, deleting the account.

The download and the deletion only call the parts the apps registered (see `registry`): each app
says, in its `personal_data` module, what it gives and what it deletes or keeps anonymously.
"""

import zipfile
from datetime import datetime

from django.db import transaction

from . import registry
from .models import PROFILE_FIELDS, BirthDateCorrection, User


class BirthDateLocked(Exception):
    """The date of birth cannot change any more without an organizer."""


def birth_date_locked(user: User) -> bool:
    """After a first submitted entry (or whatever else an app registered), only an organizer may change it."""
    return registry.birth_date_locked(user)


@transaction.atomic
def update_profile(*, user: User, data: dict, now: datetime) -> User:
    """Save the profile; a new date of birth or country takes every eligibility decision again."""
    stored = User.objects.select_for_update().get(pk=user.pk)
    if "date_of_birth" in data and data["date_of_birth"] != stored.date_of_birth and birth_date_locked(stored):
        raise BirthDateLocked
    before = (stored.date_of_birth, str(stored.country or ""))
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save()
    if (user.date_of_birth, str(user.country or "")) != before:
        registry.tell_profile_changed(user=user, now=now, reason="profile changed")
    return user


@transaction.atomic
def correct_birth_date(*, user: User, date_of_birth, reason: str, by: User, now: datetime) -> BirthDateCorrection:
    """An organizer corrects a date of birth; the reason is kept and every decision is taken again."""
    if not reason.strip():
        raise ValueError("A correction needs a reason.")
    stored = User.objects.select_for_update().get(pk=user.pk)
    correction = BirthDateCorrection.objects.create(
        user=stored,
        previous=stored.date_of_birth,
        corrected=date_of_birth,
        reason=reason,
        corrected_by=by,
        corrected_at=now,
    )
    stored.date_of_birth = date_of_birth
    stored.save(update_fields=["date_of_birth"])
    registry.tell_profile_changed(user=stored, now=now, reason="birth date corrected by an organizer")
    return correction


def export_personal_data(*, user: User, into) -> None:
    """Write a zip to `into`: one folder per app that holds something about the person, each with its
    data.json (no password hash) and the files it keeps for them (read through the storage API)."""
    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in registry.parts():
            folder = registry.ExportFolder(archive, part.app)
            part.export(user=user, into=folder)
            folder.close()


@transaction.atomic
def delete_account(*, user: User, now: datetime) -> None:
    """Delete the person and everything that names them; what the contests must keep stays, naming nobody."""
    erasure = registry.Erasure.of(user, now)
    erasure.mark(User.objects.filter(pk=user.pk))
    for part in reversed(registry.parts()):
        part.erase(erasure=erasure)
    erasure.delete_files_on_commit()
