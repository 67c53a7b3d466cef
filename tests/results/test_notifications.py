"""Result emails: one per entrant, in their language, sent by a real worker at the announcement time; running
the tasks again (a retry, a second beat run, a duplicate message) sends nothing twice."""

import shutil
import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from judging.models import Score
from results import selectors, services, tasks
from results.enums import NotificationStatus
from results.models import Notification
from tests.conftest import wait_until, worker_mail_dir
from tests.results.helpers import award_and_verify, judged_contest, worker_mail


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_announces_at_the_time_and_each_entrant_gets_exactly_one_email_however_often_tasks_run(
    celery_worker,
):
    mail_dir = worker_mail_dir()
    shutil.rmtree(mail_dir)
    mail_dir.mkdir()
    made = judged_contest(steps=["normalised_mean", "criterion_mean"], name_criterion=True)
    award_and_verify(made)
    now = timezone.now()
    services.change_settings(contest=made.contest, shortlist_size=2, include_feedback=True, retention_days=30,
                             by=made.organizer, now=now)
    last = made.entries[3]
    last.entrant.preferred_language = "ar"
    last.entrant.save(update_fields=["preferred_language"])
    score = Score.objects.filter(assignment__entry=last).first()
    services.moderate_feedback(score=score, approved=True, text="Strong idea; the sound needs work.",
                               by=made.organizer, now=now)
    services.schedule_announcement(contest=made.contest, at=now + timedelta(seconds=3), by=made.organizer, now=now)
    assert Notification.objects.count() == 0

    def all_sent():
        rows = Notification.objects.filter(contest=made.contest)
        return rows.count() == 4 and not rows.exclude(status=NotificationStatus.SENT).exists()

    wait_until(all_sent, timeout=60, message="the worker to announce and send the four result emails")
    # Everything again, as a retry or a lost-and-found message would: nothing new may leave.
    tasks.announce_contest.delay(made.contest.pk)
    tasks.announce_due.delay()
    tasks.send_result_notifications.delay(made.contest.pk)
    tasks.send_result_notifications.delay(made.contest.pk)
    wait_until(lambda: len(worker_mail(mail_dir)) >= 4, timeout=30, message="the emails in the worker's mail")
    # Let the repeated tasks run and find nothing to send.
    time.sleep(5)
    messages = worker_mail(mail_dir)
    recipients = sorted(m["To"] for m in messages)
    assert recipients == sorted(e.entrant.email for e in made.entries), "exactly one email per entrant"

    by_person = {m["To"]: m for m in messages}
    winner = by_person[made.entries[0].entrant.email]
    assert "won an award" in winner["Subject"]
    assert "shortlist" in by_person[made.entries[1].entrant.email]["Subject"]
    other = by_person[last.entrant.email]
    body = other.get_body().get_content()
    with translation.override("ar"):  # the entrant's language, not the page's
        thanks = gettext(
            "Thank you for taking part in “%(title)s”. The jury has chosen the winners; "
            "your work was not among them this time."
        ) % {"title": made.contest.title}
        retention = gettext(
            "The original files of entries without an award will be deleted on %(day)s. "
            "Download anything you want to keep before then."
        ).split("%(day)s")[0]
    assert thanks != "Thank you" and thanks in body
    assert "Thank you for taking part" not in body
    assert "Strong idea; the sound needs work." in body, "moderated feedback is included"
    assert f"/ar/contests/{made.contest.slug}/winners/" in body, "links in the entrant's language"
    assert retention in body, "the retention notice"
    assert selectors.notification_counts(contest=made.contest) == {
        "pending": 0, "sending": 0, "sent": 4, "failed": 0, "total": 4}


def test_batches_keep_to_the_configured_rate():
    assert tasks.batch_interval_seconds("6/m") == 10
    assert tasks.batch_interval_seconds("2/s") == 0.5
    assert tasks.batch_interval_seconds("60/h") == 60


@pytest.mark.django_db
def test_a_claimed_batch_is_not_claimed_again_and_a_lost_send_is_failed_not_repeated():
    made = judged_contest(steps=["normalised_mean"])
    award_and_verify(made)
    at = timezone.now() + timedelta(minutes=5)
    services.schedule_announcement(contest=made.contest, at=at, by=made.organizer, now=timezone.now())
    services.announce(contest_id=made.contest.pk, now=at)
    first = services.claim_batch(contest_id=made.contest.pk, size=3, now=at)
    second = services.claim_batch(contest_id=made.contest.pk, size=3, now=at)
    assert len(first) == 3 and len(second) == 1 and not set(first) & set(second)
    assert services.claim_batch(contest_id=made.contest.pk, size=3, now=at) == []
    # The worker holding `second` died mid-send: after a while it is marked failed, for an organizer to resend.
    assert services.fail_stale_sending(older_than=timedelta(minutes=15), now=at + timedelta(minutes=16)) == 4
    assert Notification.objects.filter(status=NotificationStatus.FAILED).count() == 4
