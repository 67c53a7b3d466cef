# The audit chain hashes the texts that may name a person (who acted, the snapshots' texts) through salted
# digests, so that a person's erasure can blank them without breaking the chain (see contest/audit.py).
#
# Events already written were hashed over those texts themselves. Their old hashes cannot be kept: they would
# break as soon as a text is blanked, and a hash over a known row and an email address lets anyone test a guess
# of that address. So this migration:
#   1. checks the chain as it stands, with the old rule;
#   2. reseals every event with the new rule, in order (new salts, new hashes, new links);
#   3. appends one "audit.resealed" event saying how many events were resealed, the old chain's last number
#      and hash (so an export taken before still matches up to there), and whether the old chain held, or
#      where it first broke. A chain that was already broken is resealed all the same, so the site can start,
#      but the break stays on record in the chain itself.
# The old rule hashed each event's time as the caller gave it, and the database gives it back in UTC: events
# written with a time in a contest's zone failed the old check though nobody changed them. Step 1 tries each
# zone in use before calling an event changed; the new rule hashes the time in UTC.
# The functions below are frozen copies of the rules at the time, as a migration must not change with the code.

import hashlib
import json
import secrets
import zoneinfo
from datetime import datetime, timezone

from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def _old_hash(event) -> str:
    payload = json.dumps(
        {
            "sequence": event.sequence,
            "previous_hash": event.previous_hash,
            "contest": event.contest_id,
            "actor": event.actor_id,
            "actor_label": event.actor_label,
            "at": event.at.isoformat(timespec="microseconds"),
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "before": event.before,
            "after": event.after,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _step(key) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _texts(value, path):
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _texts(inner, f"{path}/{_step(key)}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _texts(inner, f"{path}/{index}")


def _digest(salt: str, text: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + text.encode()).hexdigest()


def _sealed(value, path, salts):
    if isinstance(value, str):
        return f"sha256:{_digest(salts[path], value)}"
    if isinstance(value, dict):
        return {key: _sealed(inner, f"{path}/{_step(key)}", salts) for key, inner in value.items()}
    if isinstance(value, list):
        return [_sealed(inner, f"{path}/{index}", salts) for index, inner in enumerate(value)]
    return value


def _seal(event, previous_hash: str) -> None:
    event.previous_hash = previous_hash
    places = ["actor", *_texts(event.before, "before"), *_texts(event.after, "after")]
    event.salts = {place: secrets.token_hex(16) for place in places}
    event.erased = {}
    actor = json.dumps([event.actor_id, event.actor_label])
    payload = json.dumps(
        {
            "sequence": event.sequence,
            "previous_hash": event.previous_hash,
            "contest": event.contest_id,
            "actor": f"sha256:{_digest(event.salts['actor'], actor)}",
            "at": event.at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "before": _sealed(event.before, "before", event.salts),
            "after": _sealed(event.after, "after", event.salts),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    event.hash = hashlib.sha256(payload.encode()).hexdigest()


def _old_hash_matches(event, zones) -> bool:
    """The old rule hashed the time as it was given, and some times were given in a contest's zone (the old
    check then failed on rows nobody changed; the new rule hashes UTC). So each zone in use is tried."""
    at = event.at
    for zone in zones:
        event.at = at.astimezone(zone)
        if _old_hash(event) == event.hash:
            event.at = at
            return True
    event.at = at
    return False


def _old_chain(events, zones) -> str:
    """"intact", or where the chain first broke under the old rule."""
    expected, previous = 1, GENESIS
    for event in events:
        if event.sequence != expected:
            return f"broken at #{expected}: events #{expected}–#{event.sequence - 1} are missing"
        if event.previous_hash != previous:
            return f"broken at #{event.sequence}: it does not link to the event before it"
        if not _old_hash_matches(event, zones):
            return f"broken at #{event.sequence}: its contents were changed after it was written"
        expected, previous = event.sequence + 1, event.hash
    return "intact"


def reseal(apps, schema_editor):
    AuditEvent = apps.get_model("contest", "AuditEvent")
    AuditHead = apps.get_model("contest", "AuditHead")
    events = list(AuditEvent.objects.order_by("sequence"))
    if not events:
        return
    head = AuditHead.objects.filter(pk=1).first()
    Contest = apps.get_model("contest", "Contest")
    names = {"UTC", settings.TIME_ZONE, *Contest.objects.values_list("time_zone", flat=True)}
    old_state = _old_chain(events, [timezone.utc, *(zoneinfo.ZoneInfo(name) for name in sorted(names))])
    if head is not None and old_state == "intact" and (head.sequence, head.hash) != (events[-1].sequence,
                                                                                        events[-1].hash):
        old_state = f"broken at #{events[-1].sequence + 1}: the newest events, up to #{head.sequence}, are missing"
    old_last = {"sequence": events[-1].sequence, "hash": events[-1].hash}
    previous = GENESIS
    for event in events:
        _seal(event, previous)
        previous = event.hash
    AuditEvent.objects.bulk_update(events, ["previous_hash", "salts", "erased", "hash"], batch_size=1000)
    note = AuditEvent(
        sequence=events[-1].sequence + 1,
        contest_id=None,
        actor_id=None,
        actor_label="",
        at=datetime.now(timezone.utc),
        action="audit.resealed",
        object_type="audit",
        object_id="",
        before={"rule": "hash over the texts", "last_event": old_last, "chain": old_state},
        after={"rule": "hash over salted digests of the texts", "events_resealed": len(events)},
    )
    _seal(note, previous)
    note.save()
    AuditHead.objects.update_or_create(pk=1, defaults={"sequence": note.sequence, "hash": note.hash})
    print(f"\n  Audit chain resealed: {len(events)} events; the chain before was {old_state}.")  # noqa: T201


class Migration(migrations.Migration):

    dependencies = [
        ("contest", "0011_archived_status_and_closing_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="salts",
            field=models.JSONField(blank=True, default=dict, verbose_name="salts of the texts"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="erased",
            field=models.JSONField(blank=True, default=dict, verbose_name="digests of erased texts"),
        ),
        # Not reversible: the old hashes are gone, and blanked texts could not be hashed by the old rule anyway.
        migrations.RunPython(reseal),
    ]
