"""Thin Celery tasks: announce a contest at its time (eta, and a beat sweep as the safety net), send the result
emails in rate-limited batches, and the retention sweep."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from contest.models import Contest

from . import services


@shared_task(acks_late=True)
def announce_contest(contest_id: int) -> bool:
    # An eta message may arrive after the organizer moved the time later: announce() then does nothing.
    return services.announce(contest_id=contest_id, now=timezone.now())


@shared_task
def announce_due() -> list[int]:
    """Every minute: announce what is due, in case an eta message was lost (a broker restart, a purge)."""
    now = timezone.now()
    done = [pk for pk in services.due_contest_ids(now=now) if services.announce(contest_id=pk, now=now)]
    services.fail_stale_sending(older_than=timedelta(minutes=15), now=now)
    return done


def batch_interval_seconds(rate: str) -> float:
    """Seconds between batches for a rate written as Celery writes one: "6/m" is every 10 seconds."""
    count, _slash, unit = rate.partition("/")
    return {"s": 1, "m": 60, "h": 3600}[unit or "s"] / max(float(count), 1e-9)


@shared_task(acks_late=True)
def send_result_notifications(contest_id: int) -> tuple[int, int]:
    now = timezone.now()
    claimed = services.claim_batch(contest_id=contest_id, size=settings.RESULT_EMAIL_BATCH, now=now)
    if not claimed:
        return 0, 0
    sent, failed = services.send_claimed(notification_ids=claimed, now=now)
    # The next batch is its own message, sent later: batches keep to RESULT_EMAIL_BATCHES_PER_MINUTE, a retry
    # repeats one batch at most, and (unlike a Celery rate limit, whose waiting messages hold the worker's
    # prefetch) other work on the queue goes on meanwhile.
    send_result_notifications.apply_async(
        (contest_id,), countdown=batch_interval_seconds(settings.RESULT_EMAIL_BATCHES_PER_MINUTE)
    )
    return sent, failed


@shared_task
def delete_non_winning_originals() -> int:
    now = timezone.now()
    return sum(
        services.delete_non_winning_originals(contest=contest, now=now)
        for contest in Contest.objects.filter(results__retention_days__isnull=False,
                                              results__originals_deleted_at__isnull=True,
                                              results__announced_at__isnull=False)
    )
