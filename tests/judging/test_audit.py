"""The audit chain: every change leaves a linked event; verify_audit finds an edited or a deleted row."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from contest import audit
from contest.models import AuditEvent
from judging import services

from .factories import jury

pytestmark = pytest.mark.django_db


def scored_jury():
    team = jury(entries=3, judges=3, k=2)
    assignment = team.round.assignments.order_by("pk").first()
    values = {str(c.pk): 6 for c in team.criteria}
    services.submit_score(assignment=assignment, values=values, expected_version=0, by=assignment.judge,
                          now=timezone.now())
    return team


def raw_update(sql: str, params: list) -> None:
    """Change the table behind the ORM's back, as someone with database access might."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_change_is_chained_and_the_chain_verifies():
    team = scored_jury()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions[0] == "round.created"
    assert {"criterion.saved", "panel.joined", "round.entries", "round.opened", "assignment.created",
            "score.submitted"} <= set(actions)
    checked, broken = audit.verify()
    assert broken is None and checked == len(actions)
    call_command("verify_audit")
    pairs = AuditEvent.objects.get(action="assignment.created").after["pairs"]
    assert len(pairs) == 3 * 2 and all(len(pair) == 2 for pair in pairs)
    assert team.round.assignments.count() == 6


def test_an_edited_row_is_reported():
    scored_jury()
    event = AuditEvent.objects.get(action="score.submitted")
    raw_update(f"UPDATE {AuditEvent._meta.db_table} SET after = %s WHERE id = %s",
               [json.dumps({"values": {"1": 10}}), event.pk])
    checked, broken = audit.verify()
    assert broken.sequence == event.sequence
    assert "changed after it was written" in broken.problem
    with pytest.raises(CommandError, match=f"#{event.sequence}"):
        call_command("verify_audit")


def test_a_rehashed_edit_breaks_the_next_link():
    scored_jury()
    events = list(AuditEvent.objects.order_by("sequence")[:3])
    forged = events[1]
    forged.actor_label = "someone-else@example.org"
    forged.hash = audit._hash_of(forged)  # the forger recomputes the row's own hash...
    forged.save()
    checked, broken = audit.verify()
    # ...but the next event still carries the old hash.
    assert broken.sequence == events[2].sequence
    assert "does not link" in broken.problem


def test_a_deleted_row_is_reported_in_the_middle_and_at_the_end():
    scored_jury()
    middle = AuditEvent.objects.order_by("sequence")[2]
    raw_update(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [middle.pk])
    checked, broken = audit.verify()
    assert (checked, broken.sequence) == (2, middle.sequence)
    assert "deleted" in broken.problem


def test_the_newest_row_deleted_is_reported():
    scored_jury()
    last = AuditEvent.objects.order_by("-sequence").first()
    raw_update(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [last.pk])
    checked, broken = audit.verify()
    assert broken.sequence == last.sequence
    with pytest.raises(CommandError, match="deleted"):
        call_command("verify_audit")


def test_export_as_csv_and_json():
    team = scored_jury()
    other = jury(entries=1, judges=1, k=1)
    rows = json.loads("".join(audit.export_json(contest=team.contest)))
    assert rows and all(row["hash"] for row in rows)
    assert [r["sequence"] for r in rows] == sorted(r["sequence"] for r in rows)
    assert not {r["sequence"] for r in rows} & set(
        AuditEvent.objects.filter(contest=other.contest).values_list("sequence", flat=True)
    )
    text = "".join(audit.export_csv(contest=team.contest))
    lines = text.strip().splitlines()
    assert lines[0] == "sequence,at,actor,action,object_type,object_id,before,after,previous_hash,hash"
    assert len(lines) == len(rows) + 1
    assert "score.submitted" in text and team.organizer.email in text
