"""The result email for one notification, in the entrant's language: their outcome, links, and any approved
feedback from the judges."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from submissions.enums import EntryStatus
from submissions.models import Entry

from . import selectors
from .enums import NotificationKind
from .models import Award, Notification


def _link(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def build_message(notification: Notification) -> EmailMessage:
    contest, person = notification.contest, notification.recipient
    language = notification.language or settings.LANGUAGE_CODE
    entries = list(Entry.objects.filter(contest=contest, entrant=person, status=EntryStatus.SUBMITTED).order_by("pk"))
    results = selectors.results_for(contest)
    awards = list(
        Award.objects.filter(entry__in=entries, entry__winner_verification__verified_at__isnull=False)
        .select_related("entry", "theme", "category")
    )
    feedback = selectors.approved_feedback(entries=entries) if results.include_feedback else {}
    delete_on = None
    if results.retention_days is not None and results.announced_at:
        delete_on = (results.announced_at + timedelta(days=results.retention_days)).astimezone(contest.zone).date()
    with translation.override(language):
        context = {
            "contest": contest,
            "person": person,
            "kind": notification.kind,
            "kinds": NotificationKind,
            "entries": [(entry, feedback.get(entry.pk, [])) for entry in entries],
            "awards": awards,
            "gallery": _link("results:gallery", language, slug=contest.slug),
            "my_result": _link("results:my_result", language, slug=contest.slug),
            "delete_on": delete_on,
            "awarded_ids": {a.entry_id for a in awards},
        }
        subject = render_to_string("results/email/result_subject.txt", context).strip()
        body = render_to_string("results/email/result_body.txt", context)
    return EmailMessage(subject, body, None, [person.email], headers={"X-Voices-Notification": str(notification.pk)})
