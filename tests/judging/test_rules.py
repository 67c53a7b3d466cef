"""Who sees what: judges only their assigned entries and, after submitting, others' scores; entrants never scores."""

import pytest
from django.utils import timezone

from judging import selectors, services
from judging.models import Assignment, Score
from judging.rules import may_see_other_scores

from .factories import jury

pytestmark = pytest.mark.django_db


def submit(assignment, team, mark=6):
    return services.submit_score(assignment=assignment, values={str(c.pk): mark for c in team.criteria},
                                 expected_version=0, by=assignment.judge, now=timezone.now())


def test_a_judge_sees_only_assigned_entries_and_organizers_all():
    team = jury(entries=4, judges=4, k=1)
    judge = team.judges[0]
    mine = {a.entry for a in Assignment.objects.filter(judge=judge)}
    assert mine
    for assignment in Assignment.objects.select_related("round", "entry__entrant"):
        assert judge.has_perm("judging.view_assignment", assignment) is (assignment.entry in mine)
        assert team.organizer.has_perm("judging.view_assignment", assignment)
        assert not assignment.entry.entrant.has_perm("judging.view_assignment", assignment)
    other = Assignment.objects.exclude(judge=judge).first()
    assert selectors.judge_assignment(judge=judge, assignment_id=other.pk) is None
    assert not judge.has_perm("judging.score_assignment", other)


def test_a_judge_who_left_the_panel_loses_sight_of_the_entries():
    team = jury(entries=2, judges=2, k=1)
    judge = team.judges[0]
    assignment = Assignment.objects.filter(judge=judge).first()
    submit(assignment, team)
    services.remove_from_panel(round=team.round, judge=judge, by=team.organizer, now=timezone.now())
    assert Assignment.objects.filter(pk=assignment.pk).exists()  # the submitted score stays
    assert not judge.has_perm("judging.view_assignment", assignment)
    assert not judge.has_perm("judging.judge_round", team.round)
    assert selectors.judge_assignment(judge=judge, assignment_id=assignment.pk) is None


def test_a_judge_of_round_one_cannot_score_in_round_two_unless_on_its_panel():
    team = jury(entries=2, judges=2, k=2)
    now = timezone.now()
    for assignment in Assignment.objects.filter(round=team.round).select_related("judge"):
        submit(assignment, team)
    services.close_round(round=team.round, by=team.organizer, now=now)
    final = services.create_round(contest=team.contest, data={"name": "Final", "judges_per_entry": 1},
                                  by=team.organizer, now=now)
    services.save_criterion(round=final, data={"name": "Overall"}, by=team.organizer, now=now)
    services.add_to_panel(round=final, judge=team.judges[1], by=team.organizer, now=now)
    services.advance_entries(from_round=team.round, to_round=final, top=2, by=team.organizer, now=now)
    services.open_round(round=final, by=team.organizer, now=now)
    services.auto_assign(round=final, by=team.organizer, now=now)
    final_assignment = Assignment.objects.filter(round=final).first()
    outsider = team.judges[0]
    assert not outsider.has_perm("judging.score_assignment", final_assignment)
    with pytest.raises(services.JudgingRefused):
        services.submit_score(assignment=final_assignment, values={}, expected_version=0, by=outsider, now=now)
    assert not outsider.has_perm("judging.judge_round", final)
    assert team.judges[1].has_perm("judging.judge_round", final)
    assert team.judges[1].has_perm("judging.score_assignment", final_assignment) is (
        final_assignment.judge_id == team.judges[1].pk
    )


def test_other_scores_stay_hidden_until_the_judge_submits_and_in_blind_rounds_until_a_discussion():
    for blind in (False, True):
        team = jury(entries=1, judges=2, k=2, blind=blind)
        first, second = Assignment.objects.filter(round=team.round).select_related("judge", "entry", "round")
        theirs = submit(second, team, mark=9)
        assert selectors.other_scores(assignment=first, viewer=first.judge) == []
        assert not may_see_other_scores(first.judge, first.round, first.entry)
        submit(first, team)
        first.round.refresh_from_db()
        visible = selectors.other_scores(assignment=first, viewer=first.judge)
        if blind:
            assert visible == []
            services.set_discussion(round=team.round, open=True, by=team.organizer, now=timezone.now())
            first.round.refresh_from_db()
            visible = selectors.other_scores(assignment=first, viewer=first.judge)
        assert [s.pk for s in visible] == [theirs.pk]
        assert visible[0].judge_label == "Judge 1"
        assert may_see_other_scores(first.judge, first.round, first.entry)


def test_entrants_never_see_scores_organizers_always():
    team = jury(entries=1, judges=1, k=1, blind=False)
    assignment = Assignment.objects.select_related("entry__entrant").get()
    score = submit(assignment, team)
    entrant = assignment.entry.entrant
    assert not may_see_other_scores(entrant, assignment.round, assignment.entry)
    assert may_see_other_scores(team.organizer, assignment.round, assignment.entry)
    assert score.total is not None
    assert team.organizer.has_perm("judging.manage_round", team.round)
    assert not assignment.judge.has_perm("judging.manage_round", team.round)
    assert not entrant.has_perm("judging.manage_judging", team.contest)
    assert Score.objects.count() == 1
