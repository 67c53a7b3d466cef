"""Periodic upload housekeeping."""

from celery import shared_task
from django.utils import timezone

from . import uploads


@shared_task
def remove_idle_uploads() -> int:
    return uploads.remove_idle_uploads(now=timezone.now())
