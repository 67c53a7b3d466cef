"""The audit chain: append an event in the caller's transaction, verify the chain, export it, erase a person.

Each event's hash covers its own fields and the previous event's hash, so an
edited row breaks its own hash, a deleted row breaks the link after it, and
the head row (the last number and hash) shows a deleted newest row.

Texts that may name a person (who acted, and every text in the before and
after snapshots) are hashed through a commitment, `sha256(salt + text)`, with a
random salt per text kept in the row's `salts`. While a text is there, the
check recomputes its digest, so an edited text still breaks the hash. When a
person erases their account, the texts that named them are blanked and their
salts deleted; their digests stay in `erased`. The chain still verifies, and
without the salt nobody can test a guess of what a blanked text said. Every
blanked text is listed by an "account erased" event later in the chain, so a
text blanked without one is reported as a break too.

Numbers, dates written as numbers, true/false and the action's own fields
(number, time, action, object) are hashed as they are: they name nobody.
"""

import csv
import dataclasses
import hashlib
import io
import json
import re
import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from .models import AuditEvent, AuditHead, Contest

GENESIS = "0" * 64
ERASED = "account.erased"
ACTOR = "actor"
# Values the JSON encoder writes as they are; anything else (Decimal, Country) is kept as its text.
JSON_NATIVE = (str, int, float, bool, list, dict, datetime, date, type(None))
# Snapshot keys whose text is a person's own words or details, not a fact of the contest: blanked in the
# events about a row of the person's that is deleted or anonymised (their score's comment, their profile's
# organisation, their conflict's note), whether or not the text names them.
OWN_WORDS = frozenset({"comment", "feedback", "note", "reason", "citation", "organisation", "text", "why"})
# A part of a name shorter than this (a particle, an initial) would match inside unrelated words.
SHORTEST_NAME_PART = 4
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


# --- Texts and their commitments -------------------------------------------------
def _step(key) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _key_of(path: str) -> str:
    return path.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def texts(value, path: str) -> Iterator[tuple[str, str]]:
    """Every text in a snapshot with its place, such as ("after/score/comment", "Moving.")."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from texts(inner, f"{path}/{_step(key)}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from texts(inner, f"{path}/{index}")


def _replace(value, path: str, target: str):
    """The snapshot with the text at `target` replaced by None."""
    if path == target:
        return None
    if isinstance(value, dict):
        return {key: _replace(inner, f"{path}/{_step(key)}", target) for key, inner in value.items()}
    if isinstance(value, list):
        return [_replace(inner, f"{path}/{index}", target) for index, inner in enumerate(value)]
    return value


def digest(salt: str, text: str) -> str | None:
    try:
        return hashlib.sha256(bytes.fromhex(salt) + text.encode()).hexdigest()
    except (TypeError, ValueError):  # a salt that is missing or not hex: the row was tampered with
        return None


def _actor_text(actor_id, actor_label: str) -> str:
    return json.dumps([actor_id, actor_label])


def _sealed(value, path: str, salts: dict, erased: dict):
    """The snapshot as the hash sees it: each text replaced by its digest (kept, or computed from its salt)."""
    if path in erased:
        return f"sha256:{erased[path]}"
    if isinstance(value, str):
        return f"sha256:{digest(salts.get(path), value)}"
    if isinstance(value, dict):
        return {key: _sealed(inner, f"{path}/{_step(key)}", salts, erased) for key, inner in value.items()}
    if isinstance(value, list):
        return [_sealed(inner, f"{path}/{index}", salts, erased) for index, inner in enumerate(value)]
    return value


def _hash_of(event: AuditEvent) -> str:
    salts, erased = event.salts or {}, event.erased or {}
    if ACTOR in erased:
        actor = f"sha256:{erased[ACTOR]}"
    else:
        actor = f"sha256:{digest(salts.get(ACTOR), _actor_text(event.actor_id, event.actor_label))}"
    payload = json.dumps(
        {
            "sequence": event.sequence,
            "previous_hash": event.previous_hash,
            "contest": event.contest_id,
            "actor": actor,
            # In UTC, as the database gives it back, whatever zone the time was written in.
            "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "before": _sealed(event.before, "before", salts, erased),
            "after": _sealed(event.after, "after", salts, erased),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _salts_for(before, after) -> dict[str, str]:
    places = [ACTOR, *(path for path, _text in texts(before, "before")), *(path for path, _t in texts(after, "after"))]
    return {place: secrets.token_hex(16) for place in places}


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
    before, after = plain(before), plain(after)
    event = AuditEvent(
        sequence=head.sequence + 1,
        contest_id=contest_id,
        actor_id=actor_id,
        actor_label=actor_label,
        at=at,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        previous_hash=head.hash,
        salts=_salts_for(before, after),
        erased={},
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
    # Texts blanked in the events read so far that no "account erased" event has yet accounted for.
    unaccounted: dict[int, set[str]] = {}
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
        if event.erased:
            unaccounted[event.sequence] = set(event.erased)
        if event.action == ERASED and isinstance(event.after, dict):
            for sequence, places in (event.after.get("erased") or {}).items():
                if sequence.isdigit() and int(sequence) < event.sequence and int(sequence) in unaccounted:
                    unaccounted[int(sequence)] -= set(places or [])
                    if not unaccounted[int(sequence)]:
                        del unaccounted[int(sequence)]
        checked += 1
        expected_sequence, previous_hash = event.sequence + 1, event.hash
    if unaccounted:
        return checked, Break(
            min(unaccounted), _("a text in it was blanked, and no later “account erased” event says so.")
        )
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



# --- Erasing a person ----------------------------------------------------------------
def _terms(needles: Iterable[str]) -> tuple[set[str], set[str]]:
    """(addresses and whole names, found anywhere in a text), (parts of names, found as whole words)."""
    whole, parts = set(), set()
    for needle in needles:
        needle = needle.strip()
        if len(needle) < 3:
            continue
        whole.add(needle)
        if "@" not in needle:
            parts.update(part for part in needle.split() if len(part) >= SHORTEST_NAME_PART)
    return whole, parts - whole


def _matcher(whole: set[str], parts: set[str]) -> re.Pattern | None:
    patterns = [re.escape(term) for term in whole] + [rf"\b{re.escape(part)}\b" for part in parts]
    return re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE) if patterns else None


def _candidates(actor_id: int, terms: set[str], subjects: dict[str, set[str]]) -> models.QuerySet[AuditEvent]:
    """The events that may need blanking. PostgreSQL narrows them down by index and by text search, so a long
    chain is not read row by row; SQLite keeps JSON with its non-ASCII letters escaped, so there every event is
    read (the matcher decides in both cases)."""
    events = AuditEvent.objects.all()
    if connection.vendor != "postgresql" or any('"' in term or "\\" in term for term in terms):
        return events
    wanted = models.Q(actor_id=actor_id)
    for object_type, ids in subjects.items():
        wanted |= models.Q(object_type=object_type, object_id__in=sorted(ids))
    for term in terms:
        wanted |= (models.Q(actor_label__icontains=term) | models.Q(before_text__icontains=term)
                   | models.Q(after_text__icontains=term))
    return events.annotate(
        before_text=Cast("before", models.TextField()), after_text=Cast("after", models.TextField())
    ).filter(wanted)


def erase_person(*, actor_id: int, needles: Iterable[str], subjects: dict[str, set[str]], now: datetime,
                 removed: dict[str, int]) -> AuditEvent:
    """Blank what names a person in every event, keeping the chain whole, and record that it was done.

    Blanked: who acted, where it was them; every text that contains one of `needles` (their addresses and
    names); and their own words (`OWN_WORDS`) in events about `subjects`, the rows of theirs that are being
    deleted or anonymised ({object type: {ids}}). The "account erased" event lists each blanked place and
    `removed`, the counts of what the erasure removed or kept anonymously; it names nobody.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("A person is erased from the audit chain in the transaction that erases them.")
    # The head's lock keeps writers and other erasures out while rows are rewritten.
    AuditHead.objects.select_for_update().get_or_create(pk=1)
    whole, parts = _terms(needles)
    matcher = _matcher(whole, parts)
    erased_places: dict[str, list[str]] = {}
    columns = ("id", "sequence", "actor_id", "actor_label", "object_type", "object_id", "before", "after", "salts",
               "erased")
    candidates = _candidates(actor_id, whole | parts, subjects)
    for event in candidates.only(*columns).order_by("sequence").iterator(chunk_size=2000):
        about = event.object_id in subjects.get(event.object_type, ())
        places = []
        if event.actor_id == actor_id or (matcher and event.actor_label and matcher.search(event.actor_label)):
            places.append(ACTOR)
        for path, text in [*texts(event.before, "before"), *texts(event.after, "after")]:
            if (matcher and matcher.search(text)) or (about and _key_of(path) in OWN_WORDS):
                places.append(path)
        if places:
            _blank(event, places)
            erased_places[str(event.sequence)] = places
    return record(
        action=ERASED, object_type="person", object_id="", actor=None, contest=None, before=None,
        after={"erased": erased_places, "removed": removed}, at=now,
    )


def _blank(event: AuditEvent, places: list[str]) -> None:
    """Blank the texts at `places`, keep their digests, delete their salts; the row's hash stays true."""
    salts, erased = dict(event.salts or {}), dict(event.erased or {})
    found = {
        ACTOR: _actor_text(event.actor_id, event.actor_label),
        **dict(texts(event.before, "before")),
        **dict(texts(event.after, "after")),
    }
    before, after = event.before, event.after
    for place in places:
        # A missing salt gives no digest: the row was already tampered with, and the check will say so.
        erased[place] = digest(salts.pop(place, None), found[place]) or ""
        if place == ACTOR:
            event.actor_id, event.actor_label = None, ""
        elif place.startswith("before/"):
            before = _replace(before, "before", place)
        else:
            after = _replace(after, "after", place)
    AuditEvent.objects.filter(pk=event.pk).update(
        actor_id=event.actor_id, actor_label=event.actor_label, before=before, after=after, salts=salts, erased=erased
    )
