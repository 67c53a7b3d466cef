"""Changes to a person's account: the profile, a download of their data, deleting the account."""

import io
import json
import zipfile
from datetime import datetime

from allauth.account.models import EmailAddress
from django.core import serializers
from django.db import transaction

from .models import User

PROFILE_FIELDS = (
    "full_name",
    "public_name",
    "date_of_birth",
    "country",
    "preferred_language",
    "organisation",
    "gender",
)


@transaction.atomic
def update_profile(*, user: User, data: dict, now: datetime) -> User:
    """Save the profile; a new date of birth or country takes every eligibility decision again."""
    from contest.registration import recheck_registrations

    before = (user.date_of_birth, str(user.country or ""))
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save()
    if (user.date_of_birth, str(user.country or "")) != before:
        recheck_registrations(user=user, now=now, reason="profile changed")
    return user


def _records_about(user: User) -> dict[str, list]:
    """Every row that is about this person, by model."""
    from contest.models import ContestRole, EligibilityCheck, GuardianConsent, Registration

    groups = {
        "account": User.objects.filter(pk=user.pk),
        "email_addresses": EmailAddress.objects.filter(user=user),
        "contest_roles": ContestRole.objects.filter(user=user),
        "registrations": Registration.objects.filter(user=user),
        "eligibility_checks": EligibilityCheck.objects.filter(registration__user=user),
        "guardian_consents": GuardianConsent.objects.filter(registration__user=user),
    }
    records = {}
    for name, queryset in groups.items():
        rows = json.loads(serializers.serialize("json", queryset))
        for row in rows:
            row["fields"].pop("password", None)
        records[name] = rows
    return records


def export_personal_data(*, user: User) -> bytes:
    """A zip holding data.json: every record about the person, without their password hash."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(_records_about(user), indent=2, ensure_ascii=False, default=str))
    return buffer.getvalue()


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
    user.delete()


def age_band(user: User, contest, now: datetime) -> str:
    """A five-year band such as "20–24": enough for statistics, too coarse to find anyone by."""
    from contest.eligibility import age_on, local_date

    if not user.date_of_birth:
        return ""
    age = age_on(user.date_of_birth, local_date(now, contest.time_zone))
    low = age - age % 5
    return f"{low}–{low + 4}"
