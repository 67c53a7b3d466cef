"""Periodic contest work, run by Celery beat."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def close_contests_past_deadline() -> list[int]:
    return services.close_contests_past_deadline(now=timezone.now())


@shared_task
def ask_to_accept_rules(contest_id: int, version: int) -> int:
    from .registration import ask_to_accept_rules as ask

    return ask(contest_id=contest_id, version=version)
