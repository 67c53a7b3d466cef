"""The audit chain: append an event in the caller's transaction, verify the chain, export it as CSV or JSON.

Each event's hash covers its own fields and the previous event's hash, so an
edited row breaks its own hash, a deleted row breaks the link after it, and
the head row (the last number and hash) shows a deleted newest row.
"""

import csv
import dataclasses
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils.translation import gettext as _

from .models import AuditEvent, AuditHead, Contest

GENESIS = "0" * 64
# Values the JSON encoder writes as they are; anything else (Decimal, Country) is kept as its text.
JSON_NATIVE = (str, int, float, bool, list, dict, datetime, date, type(None))
EXPORT_FIELDS = (
    "sequence",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "previous_hash",
    "hash",
)


def plain(value):
    """A JSON value that reads back from the database exactly as it was hashed (Decimals, dates become text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of a row as plain JSON, foreign keys as their ids."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        if not isinstance(value, JSON_NATIVE):
            value = str(value)  # a Decimal, a Country
        data[name] = value
    return plain(data)


def compute_hash(*, sequence: int, previous_hash: str, contest_id, actor_id, actor_label: str, at: datetime,
                 action: str, object_type: str, object_id: str, before, after) -> str:
    payload = json.dumps(
        {
            "sequence": sequence,
            "previous_hash": previous_hash,
            "contest": contest_id,
            "actor": actor_id,
            "actor_label": actor_label,
            "at": at.isoformat(timespec="microseconds"),
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return compute_hash(
        sequence=event.sequence,
        previous_hash=event.previous_hash,
        contest_id=event.contest_id,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        at=event.at,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        before=event.before,
        after=event.after,
    )


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    actor,
    contest: Contest | int | None,
    before: dict | None,
    after: dict | None,
    at: datetime,
) -> AuditEvent:
    """Append one event; must run inside the transaction that makes the change, so both land or neither does."""
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written in the transaction of the change they record.")
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    # The head row is the lock: concurrent writers queue here, and each sees the head its predecessor left.
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    actor_id = actor.pk if actor is not None else None
    actor_label = actor.email if actor is not None else ""
    contest_id = contest.pk if isinstance(contest, Contest) else contest
    # Microseconds only, as the database keeps them, so the hash recomputes from the stored row.
    event = AuditEvent(
        sequence=head.sequence + 1,
        contest_id=contest_id,
        actor_id=actor_id,
        actor_label=actor_label,
        at=at,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        before=plain(before),
        after=plain(after),
        previous_hash=head.hash,
    )
    event.hash = _hash_of(event)
    event.save()
    head.sequence, head.hash = event.sequence, event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


@dataclasses.dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    sequence: int
    problem: str

    def __str__(self) -> str:
        return _("Audit event #%(sequence)s: %(problem)s") % {"sequence": self.sequence, "problem": self.problem}


def verify(*, chunk_size: int = 2000) -> tuple[int, Break | None]:
    """Walk the whole chain in order; return how many events were checked and the first break, if any."""
    expected_sequence, previous_hash, checked = 1, GENESIS, 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if event.sequence != expected_sequence:
            return checked, Break(
                expected_sequence,
                _("missing: the chain jumps from #%(before)s to #%(after)s, so events were deleted.")
                % {"before": expected_sequence - 1, "after": event.sequence},
            )
        if event.previous_hash != previous_hash:
            return checked, Break(event.sequence, _("it does not link to the event before it, which was changed."))
        if _hash_of(event) != event.hash:
            return checked, Break(event.sequence, _("its contents were changed after it was written."))
        checked += 1
        expected_sequence, previous_hash = event.sequence + 1, event.hash
    head = AuditHead.objects.filter(pk=1).first()
    last = expected_sequence - 1
    if head is not None and (head.sequence != last or head.hash != previous_hash):
        if head.sequence > last:
            return checked, Break(
                last + 1, _("missing: the newest events, up to #%(head)s, were deleted.") % {"head": head.sequence}
            )
        return checked, Break(last, _("the chain's head does not match its last event."))
    return checked, None


def events_of(contest: Contest) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(contest=contest).order_by("sequence")


def _row(event: AuditEvent) -> dict:
    return {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "previous_hash": event.previous_hash,
        "hash": event.hash,
    }


def export_csv(*, contest: Contest, chunk_size: int = 2000) -> Iterator[str]:
    """The contest's events as CSV text, a line at a time (for a StreamingHttpResponse)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for event in events_of(contest).iterator(chunk_size=chunk_size):
        row = _row(event)
        row["before"] = json.dumps(row["before"], ensure_ascii=False, sort_keys=True)
        row["after"] = json.dumps(row["after"], ensure_ascii=False, sort_keys=True)
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def export_json(*, contest: Contest, chunk_size: int = 2000) -> Iterator[str]:
    """The contest's events as one JSON array, written piece by piece."""
    yield "["
    for index, event in enumerate(events_of(contest).iterator(chunk_size=chunk_size)):
        yield ("," if index else "") + "\n" + json.dumps(_row(event), ensure_ascii=False, sort_keys=True)
    yield "\n]\n"

