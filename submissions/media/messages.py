"""Which processing jobs still have a message on the broker: a mark kept beside the messages, in the same Redis.

A job's row says it is queued; only the broker knows whether a message for it
still waits. The mark is set just after the message is sent and cleared when
a worker receives it. Both live in the broker's Redis, so they are lost or
kept together: a Redis that restarts empty loses the messages and the marks,
and the sweeper then sees queued jobs without a mark and sends them again,
while a long queue that is merely slow keeps its marks and gets no duplicate.
With the filesystem broker of embedded mode, messages survive restarts and
there are no marks: the sweeper's long timeout is the only rescue needed.
"""

import logging
from collections.abc import Iterable

from django.conf import settings

logger = logging.getLogger(__name__)

KEY = "voices:job-messages"
# A broker that does not answer within this long is treated as away; the sweeper will try again.
TIMEOUT_SECONDS = 2

_clients: dict[str, object] = {}


def _client():
    """A Redis client on the broker's database, or None when the broker is not Redis."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    if url not in _clients:
        import redis

        _clients[url] = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
    return _clients[url]


def _errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.RedisError, OSError)


def mark_sent(job_ids: Iterable[int]) -> None:
    """Note that a message for each job is on the broker. Unnoted, a job is merely sent again: harmless."""
    client, ids = _client(), list(job_ids)
    if client is None or not ids:
        return
    try:
        client.sadd(KEY, *ids)
    except _errors() as error:
        logger.warning("could not note %s sent jobs on the broker (%s); the sweeper sends them again", len(ids),
                       type(error).__name__)


def mark_received(job_id: int) -> None:
    """A worker has the job's message: from now on its row, not the broker, says whether it is owed."""
    client = _client()
    if client is None:
        return
    try:
        client.srem(KEY, job_id)
    except _errors():
        pass  # a mark left behind only delays a rescue until the sweeper's long timeout


def without_message(job_ids: list[int]) -> set[int] | None:
    """Those of the jobs with no message on the broker; None when that cannot be known (no Redis, or it is away)."""
    client = _client()
    if client is None:
        return None
    if not job_ids:
        return set()
    try:
        present = client.smismember(KEY, job_ids)
    except _errors() as error:
        logger.warning("could not ask the broker which jobs have a message: %s", type(error).__name__)
        return None
    return {job_id for job_id, there in zip(job_ids, present, strict=True) if not there}


def marked() -> set[int]:
    """Every job noted as having a message (empty when that cannot be known)."""
    client = _client()
    if client is None:
        return set()
    try:
        return {int(member) for member in client.smembers(KEY)}
    except _errors():
        return set()


def forget(job_ids: Iterable[int]) -> None:
    """Drop the marks of jobs that are no longer queued, so the set stays as small as the queue."""
    client, ids = _client(), list(job_ids)
    if client is None or not ids:
        return
    try:
        client.srem(KEY, *ids)
    except _errors():
        pass
