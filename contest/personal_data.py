"""The contest app's part of a person's data: roles, registrations, eligibility decisions, consents, the audit log.

Download (`contest/`): their roles in each contest; their registrations (what
they accepted and when); every eligibility decision with the date of birth and
country it was taken on; a guardian's answer about them; and the list of audit
events they made (number, time, action, object), without the before/after
snapshots, which describe other people's entries as much as their own acts.

Erasure:
- kept, naming nobody: one anonymised registration per registration (contest,
  day, status, country, five-year age band, gender), so the contest's
  statistics still count them.
- deleted: their roles, registrations, eligibility decisions and guardian
  consents (with the guardian's address).
- the audit log keeps every event, so the chain still verifies, but blanks
  who acted where it was them, every text that holds one of their addresses
  or names, and their own words (comments, notes, organisation) in the events
  about the rows the other apps deleted or anonymised for them. One event
  records the erasure: which texts were blanked and how many rows went, naming
  nobody. See `contest.audit`.
"""

from datetime import datetime

from accounts import birth_dates
from accounts.models import User
from accounts.registry import Erasure, ExportFolder

from . import audit
from .eligibility import local_date
from .models import (
    AnonymisedRegistration,
    AuditEvent,
    Contest,
    ContestRole,
    EligibilityCheck,
    GuardianConsent,
    Registration,
)


def export(*, user: User, into: ExportFolder) -> None:
    into.records("roles", ContestRole.objects.filter(user=user))
    into.records("registrations", Registration.objects.filter(user=user))
    into.records("eligibility_checks", EligibilityCheck.objects.filter(registration__user=user))
    into.records("guardian_consents", GuardianConsent.objects.filter(registration__user=user))
    into.records(
        "audit_events_by_you",
        [
            {"sequence": sequence, "at": at, "action": action, "object_type": object_type, "object_id": object_id}
            for sequence, at, action, object_type, object_id in AuditEvent.objects.filter(actor=user)
            .order_by("sequence")
            .values_list("sequence", "at", "action", "object_type", "object_id")
        ],
    )


def erase(*, erasure: Erasure) -> None:
    user, now = erasure.user, erasure.now
    registrations = Registration.objects.filter(user=user).select_related("contest")
    AnonymisedRegistration.objects.bulk_create(
        AnonymisedRegistration(
            contest=registration.contest,
            registered_on=registration.created_at.date(),
            status=registration.status,
            country=str(user.country or ""),
            age_band=_age_band(user, registration.contest, now),
            gender=user.gender,
        )
        for registration in registrations
    )
    erasure.count("registrations kept anonymously", len(registrations))
    for queryset in (
        ContestRole.objects.filter(user=user),
        registrations,
        EligibilityCheck.objects.filter(registration__user=user),
        GuardianConsent.objects.filter(registration__user=user),
    ):
        erasure.mark(queryset)
    erasure.count("roles", ContestRole.objects.filter(user=user).delete()[0])
    registrations.delete()  # with their decisions and consents
    subjects = {model._meta.model_name: ids for model, ids in erasure.subjects.items()}
    audit.erase_person(
        actor_id=user.pk, needles=erasure.emails | erasure.names, subjects=subjects, now=now, removed=erasure.counts
    )


def _age_band(user: User, contest: Contest, now: datetime) -> str:
    return birth_dates.age_band(user.date_of_birth, local_date(now, contest.time_zone))
