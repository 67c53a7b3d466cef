"""Every web node and worker of a site must sign with the same SECRET_KEY: one whose key differs refuses to start.

With different keys, a session or a link signed on one machine is refused
on another, a co-creator's link from a worker's email fails on the web, and
storage keys made from the key differ. The first machine to start records
a fingerprint of its key (a keyed hash, useless for finding the key) in the
shared database; each one after compares its own with it.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

logger = logging.getLogger(__name__)

NAME = "SECRET_KEY"


class DifferentKey(Exception):
    """This machine's SECRET_KEY is not the one the site's other machines use."""


def fingerprint() -> str:
    return salted_hmac("voices.same-key", "fingerprint", secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()


def check(*, role: str) -> None:
    """Raise DifferentKey with a message for the operator; record the fingerprint if none is recorded yet. A database
    that does not answer, or has no table yet (before `migrate`), lets the machine start: it has nothing to compare."""
    from .models import SharedSecret

    mine = fingerprint()
    try:
        with transaction.atomic():
            recorded, _created = SharedSecret.objects.get_or_create(name=NAME, defaults={"fingerprint": mine})
    except IntegrityError:  # another machine recorded it at the same moment
        recorded = SharedSecret.objects.get(name=NAME)
    except DatabaseError as error:
        logger.warning("%s: could not compare SECRET_KEY with the site's (%s); starting anyway", role, error)
        return
    if not constant_time_compare(recorded.fingerprint, mine):
        raise DifferentKey(
            f"This {role} refuses to start: its SECRET_KEY is not the one the site's other machines use (the "
            f"database recorded another key's fingerprint on {recorded.recorded_at:%Y-%m-%d %H:%M} UTC). Give every "
            "web node and worker the same SECRET_KEY (docs/operations.md lists the settings that must be equal). "
            "If the key was changed on purpose on every machine, delete the old fingerprint (the row of the table "
            "health_sharedsecret) and start again."
        )
