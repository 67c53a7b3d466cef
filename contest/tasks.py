"""Periodic contest work, run by Celery beat."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def close_contests_past_deadline() -> list[int]:
    return services.close_contests_past_deadline(now=timezone.now())
