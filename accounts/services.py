"""Changes to a person's account: the profile, a download of their data, deleting the account."""

import json
import zipfile
from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.db.models import Q

from .models import PROFILE_FIELDS, BirthDateCorrection, User


class BirthDateLocked(Exception):
    """The date of birth cannot change any more without an organizer."""


def birth_date_locked(user: User) -> bool:
    """After a first submitted entry, only an organizer may change the date of birth."""
    from submissions.services import has_submitted_an_entry

    return has_submitted_an_entry(user)


@transaction.atomic
def update_profile(*, user: User, data: dict, now: datetime) -> User:
    """Save the profile; a new date of birth or country takes every eligibility decision again."""
    from contest.registration import recheck_registrations

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
        recheck_registrations(user=user, now=now, reason="profile changed")
    return user


@transaction.atomic
def correct_birth_date(*, user: User, date_of_birth, reason: str, by: User, now: datetime) -> BirthDateCorrection:
    """An organizer corrects a date of birth; the reason is kept and every decision is taken again."""
    from contest.registration import recheck_registrations

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
    recheck_registrations(user=stored, now=now, reason="birth date corrected by an organizer")
    return correction


def _records_about(user: User) -> dict[str, list]:
    """Every row that is about this person, by model."""
    from contest.models import ContestRole, EligibilityCheck, GuardianConsent, Registration
    from submissions.models import Attachment, CoCreator, Entry, EntryDeclaration, MediaAsset, Upload

    groups = {
        "account": User.objects.filter(pk=user.pk),
        "email_addresses": EmailAddress.objects.filter(user=user),
        "contest_roles": ContestRole.objects.filter(user=user),
        "registrations": Registration.objects.filter(user=user),
        "eligibility_checks": EligibilityCheck.objects.filter(registration__user=user),
        "guardian_consents": GuardianConsent.objects.filter(registration__user=user),
        "birth_date_corrections": BirthDateCorrection.objects.filter(user=user),
        "entries": Entry.objects.filter(entrant=user),
        "entry_declarations": EntryDeclaration.objects.filter(entry__entrant=user),
        "co_creators_named": CoCreator.objects.filter(entry__entrant=user),
        "files": MediaAsset.objects.filter(entry__entrant=user),
        "release_forms_and_captions": Attachment.objects.filter(entry__entrant=user),
        "uploads": Upload.objects.filter(owner=user),
    }
    records = {}
    for name, queryset in groups.items():
        rows = json.loads(serializers.serialize("json", queryset))
        for row in rows:
            row["fields"].pop("password", None)
        records[name] = rows
    return records


def export_personal_data(*, user: User, into) -> None:
    """Write a zip to `into`: data.json, every record about the person without their password hash,
    and files/, the originals, release forms and captions they uploaded, read through the storage API
    (local disk or S3)."""
    from submissions.attachments import download_name
    from submissions.models import Attachment, MediaAsset

    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(_records_about(user), indent=2, ensure_ascii=False, default=str))
        current = MediaAsset.objects.filter(entry__entrant=user, replaced_at__isnull=True).exclude(file="")
        for asset in current.select_related("entry"):  # a withdrawn entry's, or one past retention, has no file
            name = f"files/{asset.entry.reference}.{asset.file_format}"
            with asset.file.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
                while block := source.read(1024 * 1024):
                    target.write(block)
        for attachment in Attachment.objects.filter(entry__entrant=user).select_related("entry"):
            name = f"files/{download_name(attachment)}"
            with attachment.file.open("rb") as source, archive.open(name, "w") as target:
                target.write(source.read())  # small: at most a release form's 10 MB


@transaction.atomic
def delete_account(*, user: User, now: datetime) -> None:
    """Remove the person and everything that names them; keep only counts that name nobody."""
    from contest.models import AnonymisedRegistration, Registration

    for registration in Registration.objects.filter(user=user).select_related("contest"):
        AnonymisedRegistration.objects.create(
            contest=registration.contest,
            registered_on=registration.created_at.date(),
            status=registration.status,
            country=str(user.country or ""),
            age_band=age_band(user, registration.contest, now),
            gender=user.gender,
        )
    _forget_admin_history(user)
    _delete_files_of(user)
    user.delete()


def _delete_files_of(user: User) -> None:
    """Every stored file about the person goes once the deletion is committed: originals (replaced ones too), every
    rendition, release forms, captions, published copies, identity documents, and unfinished uploads where they
    live (this node's folder, or the shared storage)."""
    from submissions import files, uploads
    from submissions.models import Entry, Upload

    names = files.files_of_entries(list(Entry.objects.filter(entrant=user).values_list("pk", flat=True)))
    unfinished = list(Upload.objects.filter(owner=user))

    def delete() -> None:
        files.delete_now(names)
        for upload in unfinished:
            uploads.discard_bytes(upload, finished_too=upload.status == "receiving")

    transaction.on_commit(delete)


def _forget_admin_history(user: User) -> None:
    """The admin's history describes objects by their names, which name the person: it goes with them."""
    from contest.models import ContestRole, Registration
    from submissions.models import Entry

    about = Q()
    for model, queryset in (
        (User, User.objects.filter(pk=user.pk)),
        (ContestRole, ContestRole.objects.filter(user=user)),
        (Registration, Registration.objects.filter(user=user)),
        (Entry, Entry.objects.filter(entrant=user)),
    ):
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        about |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    for name in {user.email, user.full_name}:
        if len(name.strip()) >= 3:
            about |= Q(object_repr__icontains=name.strip())
    LogEntry.objects.filter(about).delete()


def age_band(user: User, contest, now: datetime) -> str:
    """A five-year band such as "20–24": enough for statistics, too coarse to find anyone by."""
    from contest.eligibility import age_on, local_date

    if not user.date_of_birth:
        return ""
    age = age_on(user.date_of_birth, local_date(now, contest.time_zone))
    low = age - age % 5
    return f"{low}–{low + 4}"
