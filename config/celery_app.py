"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app."""

import os
import sys

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("voices")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_a_different_secret_key(**_signal) -> None:
    """A worker or beat whose SECRET_KEY differs from the site's stops here, saying so (health/same_key.py)."""
    import django

    django.setup()
    from health import same_key

    try:
        same_key.check(role="worker")
    except same_key.DifferentKey as refusal:
        sys.exit(str(refusal))  # SystemExit passes the signal's error handling: the process ends with the message
    # The connection stays open: Celery's Django fixup deals with it around the fork (closing it here, before the
    # pool starts, left a worker that never took a message).
