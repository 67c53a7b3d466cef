"""Reminders: one email to each judge of a round who has not submitted all their scores yet."""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from contest import audit

from .. import selectors
from ..models import Round
from .common import require_organizer

# Not a change of state, but part of showing the jury was treated alike: who was nudged, and when.
REMINDED = "round.reminded"


@transaction.atomic
def remind_judges_behind(*, round: Round, by: User, now: datetime) -> list[User]:
    """Email every active judge of the round with unsubmitted work, in their language; returns whom.

    The emails leave once the audit event is written."""
    require_organizer(by, round.contest)
    reminded, emails = [], []
    for member in selectors.judges_behind(round=round):
        judge = member.judge
        language = judge.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "round": round,
                "contest": round.contest,
                "progress": member.progress,
                "left": member.progress.total - member.progress.scored,
                "link": settings.SITE_URL + reverse("judging:queue", kwargs={"round_id": round.pk}),
                "closes_at": round.closes_at,
            }
            subject = render_to_string("judging/email/reminder_subject.txt", context).strip()
            body = render_to_string("judging/email/reminder_body.txt", context)
        emails.append((subject, body, judge.email))
        reminded.append(judge)
    if reminded:
        audit.record(
            action=REMINDED,
            obj=round,
            actor=by,
            contest=round.contest_id,
            before=None,
            after={"judges": [judge.pk for judge in reminded]},
            at=now,
        )
        transaction.on_commit(lambda: [send_mail(subject, body, None, [to]) for subject, body, to in emails])
    return reminded
