"""Registering for a contest: acceptance of the rules, the eligibility decision, a guardian's consent.

Every change here goes through a function of this module, in a transaction.
"""

from dataclasses import asdict
from datetime import date, datetime

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User

from . import eligibility
from .enums import GuardianDecision, RegistrationStatus
from .models import Contest, EligibilityCheck, GuardianConsent, Registration

GUARDIAN_LINK_SALT = "voices.guardian-consent"
GUARDIAN_LINK_MAX_AGE = 14 * 24 * 60 * 60  # Two weeks for a parent to answer.


def decide_for(*, contest: Contest, user: User, today: date) -> eligibility.Decision:
    return eligibility.decide(
        contest.eligibility_rule, birth_date=user.date_of_birth, country=str(user.country or "") or None, today=today
    )


def explain(check: EligibilityCheck) -> eligibility.Decision:
    """The stored decision again, its reasons worded in the active language."""
    stored = check.rule
    rule = eligibility.Rule(
        min_age=stored["min_age"],
        max_age=stored["max_age"],
        reference=stored["reference"],
        closes_on=date.fromisoformat(stored["closes_on"]) if stored["closes_on"] else None,
        fixed_on=date.fromisoformat(stored["fixed_on"]) if stored["fixed_on"] else None,
        countries=frozenset(stored["countries"]),
        guardian_below_age=stored["guardian_below_age"],
    )
    return eligibility.decide(rule, birth_date=check.birth_date, country=check.country or None, today=check.decided_on)


def _rule_as_json(rule: eligibility.Rule) -> dict:
    data = asdict(rule)
    data["countries"] = sorted(rule.countries)
    for key in ("closes_on", "fixed_on"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def _status_after(decision: eligibility.Decision, registration: Registration) -> str:
    if not decision.eligible:
        return RegistrationStatus.INELIGIBLE
    if decision.needs_guardian:
        consent = GuardianConsent.objects.filter(registration=registration).first()
        if consent and consent.decision == GuardianDecision.CONSENTED:
            return RegistrationStatus.ELIGIBLE
        if consent and consent.decision == GuardianDecision.REFUSED:
            return RegistrationStatus.GUARDIAN_REFUSED
        return RegistrationStatus.AWAITING_GUARDIAN
    return RegistrationStatus.ELIGIBLE


def _record_decision(*, registration: Registration, user: User, today: date, reason: str) -> EligibilityCheck:
    contest = registration.contest
    decision = decide_for(contest=contest, user=user, today=today)
    check = EligibilityCheck.objects.create(
        registration=registration,
        decided_on=today,
        birth_date=user.date_of_birth,
        country=str(user.country or ""),
        rule=_rule_as_json(contest.eligibility_rule),
        reference_day=decision.reference_day,
        age=decision.age,
        eligible=decision.eligible,
        needs_guardian=decision.needs_guardian,
        reason=reason,
    )
    registration.status = _status_after(decision, registration)
    registration.save(update_fields=["status"])
    return check


@transaction.atomic
def register(*, contest: Contest, user: User, now: datetime) -> Registration:
    """Register `user` for `contest`, who has accepted the rules, the privacy notice and the processing.

    Registering again (after the rules changed, say) records the new
    acceptance and takes the decision afresh.
    """
    today = eligibility.local_date(now, contest.time_zone)
    registration, _created = Registration.objects.select_for_update().update_or_create(
        contest=contest,
        user=user,
        defaults={
            "rules_version": contest.rules_version,
            "accepted_rules_at": now,
            "accepted_privacy_at": now,
            "accepted_processing_at": now,
            "status": RegistrationStatus.INELIGIBLE,
        },
    )
    _record_decision(registration=registration, user=user, today=today, reason="registered")
    return registration


@transaction.atomic
def decide_on_submission(*, registration: Registration, now: datetime) -> eligibility.Decision:
    """For a contest that counts the age on the day of submitting: take and keep that day's decision."""
    registration = Registration.objects.select_for_update().select_related("contest", "user").get(pk=registration.pk)
    today = eligibility.local_date(now, registration.contest.time_zone)
    check = _record_decision(registration=registration, user=registration.user, today=today, reason="submitted")
    return explain(check)


@transaction.atomic
def recheck_registrations(*, user: User, now: datetime, reason: str) -> list[Registration]:
    """Take every decision about `user` again, after their date of birth or country changed."""
    registrations = list(Registration.objects.select_for_update().filter(user=user).select_related("contest"))
    for registration in registrations:
        today = eligibility.local_date(now, registration.contest.time_zone)
        _record_decision(registration=registration, user=user, today=today, reason=reason)
    return registrations


def guardian_token(consent: GuardianConsent) -> str:
    """A link for this request only: asking someone else, or asking again, retires it."""
    return signing.dumps(
        {"consent": consent.pk, "to": consent.guardian_email, "asked": consent.requested_at.isoformat()},
        salt=GUARDIAN_LINK_SALT,
    )


def consent_for_token(token: str) -> GuardianConsent | None:
    """The consent a link stands for; None when the link is forged, mangled or older than two weeks."""
    try:
        data = signing.loads(token, salt=GUARDIAN_LINK_SALT, max_age=GUARDIAN_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        GuardianConsent.objects.select_related("registration__contest", "registration__user")
        .filter(pk=data.get("consent"), guardian_email=data.get("to"), requested_at=data.get("asked"))
        .first()
    )


@transaction.atomic
def request_guardian_consent(*, registration: Registration, guardian_email: str, now: datetime) -> GuardianConsent:
    """Ask a parent or guardian, by email, to consent; asking again resets any earlier answer."""
    consent, _created = GuardianConsent.objects.update_or_create(
        registration=registration,
        defaults={
            "guardian_email": guardian_email,
            "decision": GuardianDecision.PENDING,
            "requested_at": now,
            "decided_at": None,
            "decided_from_ip": None,
        },
    )
    registration.status = RegistrationStatus.AWAITING_GUARDIAN
    registration.save(update_fields=["status"])
    link = settings.SITE_URL + reverse("contest:guardian", kwargs={"token": guardian_token(consent)})
    language = registration.user.preferred_language or translation.get_language()
    context = {"registration": registration, "contest": registration.contest, "link": link}
    with translation.override(language):
        subject = render_to_string("contest/email/guardian_subject.txt", context).strip()
        body = render_to_string("contest/email/guardian_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [guardian_email]))
    return consent


@transaction.atomic
def record_guardian_decision(*, consent: GuardianConsent, consents: bool, ip: str | None, now: datetime) -> None:
    consent = GuardianConsent.objects.select_for_update().get(pk=consent.pk)
    consent.decision = GuardianDecision.CONSENTED if consents else GuardianDecision.REFUSED
    consent.decided_at = now
    consent.decided_from_ip = ip
    consent.save(update_fields=["decision", "decided_at", "decided_from_ip"])
    registration = consent.registration
    latest = registration.checks.latest()
    if latest.eligible:
        registration.status = RegistrationStatus.ELIGIBLE if consents else RegistrationStatus.GUARDIAN_REFUSED
        registration.save(update_fields=["status"])


def must_accept_rules_again(*, registration: Registration, contest: Contest) -> bool:
    """The rules have a newer version than the one this person accepted: they are asked to accept it."""
    return registration.rules_version < contest.rules_version


def ask_to_accept_rules(*, contest_id: int, version: int) -> int:
    """Email everyone registered under an older version of the rules, each in their language; how many."""
    contest = Contest.objects.filter(pk=contest_id).first()
    if contest is None or contest.rules_version != version:
        return 0  # A newer version was published meanwhile; its own email asks.
    sent = 0
    waiting = Registration.objects.filter(contest=contest, rules_version__lt=version).select_related("user")
    for registration in waiting.iterator():
        user = registration.user
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            link = settings.SITE_URL + reverse("contest:register", kwargs={"slug": contest.slug})
            context = {"contest": contest, "link": link, "version": version}
            subject = render_to_string("contest/email/rules_changed_subject.txt", context).strip()
            body = render_to_string("contest/email/rules_changed_body.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
