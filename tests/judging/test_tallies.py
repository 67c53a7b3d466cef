"""The progress page's tallies (services.tallies) equal a count from scratch after every service that changes
assignments or scores, and the page shows them."""

import re

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from accounts.services import delete_account
from judging import services
from judging.enums import ScoreState
from judging.models import Assignment, PanelMember, RoundEntry
from judging.services import tallies
from tests.judging.factories import EntryFactory, jury, make_judge
from tests.pages import text

pytestmark = pytest.mark.django_db


def from_scratch(round_) -> tuple[dict, dict]:
    counts = Assignment.objects.filter(round=round_)
    submitted, draft = Q(score__state=ScoreState.SUBMITTED), Q(score__state=ScoreState.DRAFT)
    judges = {
        row["judge_id"]: (row["a"], row["s"], row["d"])
        for row in counts.values("judge_id").annotate(a=Count("pk"), s=Count("pk", filter=submitted),
                                                      d=Count("pk", filter=draft))
    }
    entries = {
        row["entry_id"]: (row["a"], row["s"])
        for row in counts.values("entry_id").annotate(a=Count("pk"), s=Count("pk", filter=submitted))
    }
    return judges, entries


def assert_tallies_right(round_) -> None:
    judges, entries = from_scratch(round_)
    for member in PanelMember.objects.filter(round=round_):
        assert (member.assigned, member.scored, member.drafts) == judges.get(member.judge_id, (0, 0, 0)), member
    for row in RoundEntry.objects.filter(round=round_):
        assert (row.assigned, row.scored) == entries.get(row.entry_id, (0, 0)), row


def values(j, score=6):
    return {str(c.pk): score for c in j.criteria}


def test_every_change_to_assignments_or_scores_leaves_the_tallies_as_a_count_from_scratch(client):
    j = jury(entries=6, judges=3, k=2)
    now = timezone.now()
    assert_tallies_right(j.round)
    assert PanelMember.objects.filter(round=j.round, assigned=4).count() == 3  # the counts are not all zero

    first, second, third = j.judges
    draft_of, submitted_of = Assignment.objects.filter(round=j.round, judge=first)[:2]
    services.save_score(assignment=draft_of, values={}, expected_version=0, by=first, now=now)
    assert_tallies_right(j.round)
    services.submit_score(assignment=submitted_of, values=values(j), expected_version=0, by=first, now=now)
    assert_tallies_right(j.round)
    services.submit_score(assignment=draft_of, values=values(j), expected_version=1, by=first, now=now)
    assert_tallies_right(j.round)

    untouched = Assignment.objects.filter(round=j.round, judge=second).first()
    services.unassign(assignment=untouched, by=j.organizer, now=now)
    assert_tallies_right(j.round)
    services.assign_entry(round=j.round, entry=untouched.entry, judge=second, by=j.organizer, now=now)
    assert_tallies_right(j.round)

    services.knows_entrant(assignment=Assignment.objects.filter(round=j.round, judge=third).first(), by=third,
                           now=now)
    assert_tallies_right(j.round)
    services.remove_from_panel(round=j.round, judge=second, by=j.organizer, now=now)
    assert_tallies_right(j.round)
    late = make_judge(j.contest, full_name="Late judge")
    services.add_to_panel(round=j.round, judge=late, by=j.organizer, now=now)
    services.rebalance(round=j.round, by=j.organizer, now=now)
    assert_tallies_right(j.round)
    assert PanelMember.objects.get(round=j.round, judge=late).assigned > 0

    # Erasures: a judge with a submitted score (kept, on a stand-in), then an entrant whose entry was judged.
    delete_account(user=first, now=now)
    assert_tallies_right(j.round)
    judged = Assignment.objects.filter(round=j.round).first().entry
    delete_account(user=judged.entrant, now=now)
    assert_tallies_right(j.round)

    client.force_login(j.organizer)
    page = text(client.get(f"/en/judging/manage/rounds/{j.round.pk}/progress/"))
    for member in PanelMember.objects.filter(round=j.round, left_at__isnull=True).select_related("judge"):
        shown = rf"<bdi>{member.judge}</bdi></span>\s*<span>{member.scored} of {member.assigned} scored"
        assert re.search(shown, page), member


def test_a_recount_mends_tallies_gone_wrong():
    """The same recount the migration runs: counts written wrong by hand are put right for the whole round."""
    j = jury(entries=3, judges=2, k=1)
    PanelMember.objects.filter(round=j.round).update(assigned=99, scored=7, drafts=3)
    RoundEntry.objects.filter(round=j.round).update(assigned=5, scored=5)
    tallies.recount(j.round.pk)
    assert_tallies_right(j.round)
    assert sum(PanelMember.objects.filter(round=j.round).values_list("assigned", flat=True)) == 3


def test_an_entry_added_to_a_round_starts_with_nothing_counted():
    j = jury(entries=2, judges=2, k=1)
    late = EntryFactory(contest=j.contest)
    RoundEntry.objects.create(round=j.round, entry=late, added_at=timezone.now())
    assert RoundEntry.objects.get(round=j.round, entry=late).assigned == 0
    assert_tallies_right(j.round)
