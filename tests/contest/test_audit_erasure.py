"""The audit chain and a person's erasure: texts are hashed through salted digests, so blanking them keeps the
chain whole; blanking without an erasure on record, or editing a text, is still found; old chains are resealed."""

import hashlib
import importlib
import json
import zoneinfo
from datetime import UTC, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.models import User
from contest import audit
from contest.models import AuditEvent, AuditHead
from judging import services as judging
from judging.models import Score
from tests.factories import ContestFactory
from tests.judging.factories import jury
from tests.judging.test_audit import scored_jury

pytestmark = pytest.mark.django_db

reseal_migration = importlib.import_module("contest.migrations.0012_audit_texts_as_commitments")


def judge_with_a_comment():
    """A jury whose first judge, Ottoline Brandt, has submitted a score with a comment naming herself."""
    team = jury(entries=3, judges=3, k=2)
    judge = team.judges[0]
    User.objects.filter(pk=judge.pk).update(email="ottoline.brandt@voices.example", full_name="Ottoline Brandt")
    judge.refresh_from_db()
    assignment = team.round.assignments.filter(judge=judge).first()
    judging.submit_score(assignment=assignment, values={str(c.pk): 6 for c in team.criteria}, expected_version=0,
                         comment="Ottoline thinks the ending drags.", by=judge, now=timezone.now())
    return team, judge


def audit_text() -> str:
    rows = AuditEvent.objects.values_list("actor_label", "before", "after")
    return json.dumps(list(rows), ensure_ascii=False).lower()


def test_a_judge_erased_leaves_a_whole_chain_that_names_them_nowhere():
    team, judge = judge_with_a_comment()
    judging_events = AuditEvent.objects.filter(actor=judge).count()
    assert judging_events and "ottoline.brandt@voices.example" in audit_text()

    accounts.delete_account(user=judge, now=timezone.now())

    assert audit.verify()[1] is None
    call_command("verify_audit")
    assert "ottoline" not in audit_text() and "brandt" not in audit_text()
    erased = AuditEvent.objects.get(action=audit.ERASED)
    assert erased.actor_id is None and erased.contest_id is None
    blanked = AuditEvent.objects.filter(sequence__in=[int(s) for s in erased.after["erased"]])
    assert blanked.count() >= judging_events
    for event in blanked:
        assert set(event.erased) == set(erased.after["erased"][str(event.sequence)])
        assert not set(event.erased) & set(event.salts), "the salt of a blanked text is deleted with it"
    # The scores' numbers are still in the log, as written.
    submitted = AuditEvent.objects.filter(action="score.submitted", actor=None, actor_label="").first()
    assert submitted.after["values"] and submitted.after["total"] is not None


def test_without_its_salt_a_blanked_text_cannot_be_tested_against_a_guess():
    team, judge = judge_with_a_comment()
    event = AuditEvent.objects.filter(actor=judge).first()
    salt, guess = event.salts[audit.ACTOR], json.dumps([judge.pk, "ottoline.brandt@voices.example"])
    accounts.delete_account(user=judge, now=timezone.now())

    event.refresh_from_db()
    # The digest kept is the one the hash was made with (binding)...
    assert event.erased[audit.ACTOR] == hashlib.sha256(bytes.fromhex(salt) + guess.encode()).hexdigest()
    # ...and what is left in the row does not let anyone confirm the guess (hiding).
    assert audit.ACTOR not in event.salts
    assert all(event.erased[audit.ACTOR] != audit.digest(other, guess) for other in event.salts.values())
    assert event.erased[audit.ACTOR] != hashlib.sha256(guess.encode()).hexdigest()


def test_a_text_blanked_without_an_erasure_on_record_is_reported():
    scored_jury()
    event = AuditEvent.objects.filter(action="score.submitted").first()
    place = next(place for place, _text in audit.texts(event.after, "after"))
    with transaction.atomic():
        audit._blank(event, [place])  # what someone with database access could do by hand

    checked, broken = audit.verify()
    assert broken is not None and broken.sequence == event.sequence
    assert "blanked" in broken.problem

    with transaction.atomic():
        audit.record(action=audit.ERASED, object_type="person", actor=None, contest=None, before=None,
                     after={"erased": {str(event.sequence): [place]}, "removed": {}}, at=timezone.now())
    assert audit.verify()[1] is None


def test_an_edited_actor_is_still_found():
    scored_jury()
    event = AuditEvent.objects.exclude(actor_label="").first()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET actor_label = %s WHERE id = %s",
                       ["someone-else@voices.example", event.pk])
    checked, broken = audit.verify()
    assert broken.sequence == event.sequence and "changed after it was written" in broken.problem


def test_deleting_a_person_in_the_admin_erases_them_the_same_way(rf):
    team, judge = judge_with_a_comment()
    request = rf.post("/en/admin/accounts/user/")
    request.user = User.objects.create_superuser("root@voices.example", "a-long-test-password")

    admin.site.get_model_admin(User).delete_queryset(request, User.objects.filter(pk=judge.pk))

    assert not User.objects.filter(pk=judge.pk).exists()
    assert AuditEvent.objects.filter(action=audit.ERASED).exists() and audit.verify()[1] is None
    assert Score.objects.filter(state="submitted", assignment__judge__email__endswith="@deleted-account.invalid")


def test_an_event_written_with_a_contests_local_time_verifies():
    geneva = zoneinfo.ZoneInfo("Europe/Zurich")
    with transaction.atomic():
        audit.record(action="entry.submitted", object_type="entry", object_id=1, actor=None, contest=None,
                     before=None, after={"status": "submitted"}, at=timezone.now().astimezone(geneva))
    assert audit.verify()[1] is None


# --- Chains written before texts were salted ------------------------------------------------------------
def write_the_old_way(count: int, *, zone=UTC) -> list[AuditEvent]:
    """Events hashed over their texts, as the chain was written before this change (the time as given)."""
    previous, events, at = "0" * 64, [], (timezone.now() - timedelta(days=3)).astimezone(zone)
    for sequence in range(1, count + 1):
        event = AuditEvent(sequence=sequence, actor_label=f"organizer{sequence}@voices.example", at=at,
                           action="round.created", object_type="round", object_id=str(sequence),
                           before=None, after={"name": f"Round {sequence}", "note": "First try"},
                           previous_hash=previous)
        event.hash = reseal_migration._old_hash(event)
        event.save()
        previous = event.hash
        events.append(event)
    AuditHead.objects.update_or_create(pk=1, defaults={"sequence": count, "hash": previous})
    return events


def test_the_migration_reseals_an_old_chain_and_records_its_head():
    old = write_the_old_way(3)
    assert audit.verify()[1] is not None, "the new rule does not accept the old hashes"

    reseal_migration.reseal(apps, None)

    assert audit.verify()[1] is None
    note = AuditEvent.objects.order_by("sequence").last()
    assert note.sequence == 4 and note.action == "audit.resealed"
    assert note.before["last_event"] == {"sequence": 3, "hash": old[-1].hash}
    assert note.before["chain"] == "intact" and note.after["events_resealed"] == 3
    assert list(AuditEvent.objects.filter(sequence__lte=3).values_list("after", flat=True)) == [
        event.after for event in old
    ]
    # A resealed event can be erased like a new one.
    first = AuditEvent.objects.get(sequence=1)
    with transaction.atomic():
        audit.erase_person(actor_id=-1, needles=["organizer1@voices.example"], subjects={}, now=timezone.now(),
                           removed={})
    first.refresh_from_db()
    assert first.actor_label == "" and audit.verify()[1] is None


def test_the_migration_records_where_an_old_chain_was_already_broken():
    old = write_the_old_way(3)
    AuditEvent.objects.filter(pk=old[1].pk).update(after={"name": "Round 2", "note": "Changed later"})

    reseal_migration.reseal(apps, None)

    assert audit.verify()[1] is None
    note = AuditEvent.objects.get(action="audit.resealed")
    assert note.before["chain"] == "broken at #2: its contents were changed after it was written"


def test_the_migration_knows_old_events_written_with_a_contests_local_time_were_not_changed():
    ContestFactory(time_zone="America/Mexico_City")
    write_the_old_way(2, zone=zoneinfo.ZoneInfo("America/Mexico_City"))
    assert "changed after it was written" in audit.verify()[1].problem

    reseal_migration.reseal(apps, None)

    assert AuditEvent.objects.get(action="audit.resealed").before["chain"] == "intact"
    assert audit.verify()[1] is None


def test_the_migration_leaves_an_empty_chain_alone():
    reseal_migration.reseal(apps, None)
    assert not AuditEvent.objects.exists()
