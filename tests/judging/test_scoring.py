"""Score sheets: drafts, submitting, two tabs (a stale save is refused and nothing is lost), closed rounds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contest.models import AuditEvent
from judging import services
from judging.enums import ScoreState
from judging.models import Assignment, Score
from judging.services import JudgingRefused, StaleScore

from .factories import jury

pytestmark = pytest.mark.django_db


def first_assignment(team):
    return Assignment.objects.filter(round=team.round).select_related("judge").order_by("pk").first()


def full(team, message=8, craft=5):
    return {str(team.criteria[0].pk): message, str(team.criteria[1].pk): craft}


def test_draft_then_submit_keeps_the_weighted_total_and_rises_in_version():
    team = jury()
    assignment = first_assignment(team)
    judge, now = assignment.judge, timezone.now()
    draft = services.save_score(
        assignment=assignment, values={str(team.criteria[0].pk): 7}, comment="Strong opening.",
        expected_version=0, by=judge, now=now,
    )
    assert (draft.state, draft.version, draft.total) == (ScoreState.DRAFT, 1, None)
    submitted = services.submit_score(
        assignment=assignment, values=full(team), comment="Strong opening.", feedback="Well done.",
        expected_version=1, by=judge, now=now,
    )
    # Message 8 (weight 2), craft 5 (weight 1): (16 + 5) / 3 = 7.
    assert (submitted.state, submitted.version, submitted.total) == (ScoreState.SUBMITTED, 2, 7)
    assert submitted.feedback == "Well done."
    actions = list(AuditEvent.objects.filter(object_type="score").values_list("action", flat=True))
    assert actions == ["score.saved", "score.submitted"]


def test_a_stale_save_from_a_second_tab_is_refused_and_the_first_is_kept():
    team = jury()
    assignment = first_assignment(team)
    judge, now = assignment.judge, timezone.now()
    # Both tabs opened the empty sheet (version 0); the first saves.
    services.save_score(assignment=assignment, values={}, comment="From tab one", expected_version=0, by=judge,
                        now=now)
    with pytest.raises(StaleScore) as refused:
        services.save_score(assignment=assignment, values={}, comment="From tab two", expected_version=0,
                            by=judge, now=now)
    # The view shows the saved version beside the judge's unsaved text.
    assert refused.value.current.comment == "From tab one"
    assert refused.value.current.version == 1
    assert Score.objects.get(assignment=assignment).comment == "From tab one"
    with pytest.raises(StaleScore):
        services.submit_score(assignment=assignment, values=full(team), expected_version=5, by=judge, now=now)
    assert Score.objects.get(assignment=assignment).state == ScoreState.DRAFT


def test_a_closed_round_refuses_scores_and_a_reopened_one_takes_them():
    team = jury()
    assignment = first_assignment(team)
    judge, now = assignment.judge, timezone.now()
    services.close_round(round=team.round, by=team.organizer, now=now)
    with pytest.raises(JudgingRefused, match="closed to scores"):
        services.submit_score(assignment=assignment, values=full(team), expected_version=0, by=judge, now=now)
    assert not Score.objects.exists()
    services.reopen_round(round=team.round, by=team.organizer, now=now, reason="A judge was ill")
    services.submit_score(assignment=assignment, values=full(team), expected_version=0, by=judge, now=now)
    team.round.refresh_from_db()
    assert team.round.reopened_count == 1
    assert AuditEvent.objects.filter(action="round.reopened", after__reason="A judge was ill").exists()


def test_the_closing_time_closes_the_round_on_the_server():
    team = jury()
    now = timezone.now()
    services.update_round(round=team.round, data={"closes_at": now + timedelta(hours=1)}, by=team.organizer,
                          now=now)
    assignment = first_assignment(team)
    with pytest.raises(JudgingRefused, match="closed to scores"):
        services.save_score(assignment=assignment, values={}, expected_version=0, by=assignment.judge,
                            now=now + timedelta(hours=2))


def test_only_the_assigned_judge_on_the_panel_scores():
    team = jury(judges=3, k=1)
    assignment = first_assignment(team)
    other = next(j for j in team.judges if j != assignment.judge)
    now = timezone.now()
    with pytest.raises(JudgingRefused, match="Only the judge"):
        services.save_score(assignment=assignment, values={}, expected_version=0, by=other, now=now)
    services.remove_from_panel(round=team.round, judge=assignment.judge, by=team.organizer, now=now,
                               reassign=False)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_submitted_score_needs_every_criterion_within_its_scale():
    team = jury()
    assignment = first_assignment(team)
    judge, now = assignment.judge, timezone.now()
    message, craft = team.criteria
    with pytest.raises(JudgingRefused) as refused:
        services.submit_score(assignment=assignment, values={str(message.pk): 11}, expected_version=0, by=judge,
                              now=now)
    assert refused.value.messages == ["“Message”: give a score from 1 to 10.", "“Craft”: give a score."]
    with pytest.raises(JudgingRefused, match="give a number"):
        services.save_score(assignment=assignment, values={str(craft.pk): "ten"}, expected_version=0, by=judge,
                            now=now)
    assert not Score.objects.exists()


def test_play_progress_only_grows_and_leaves_the_score_version_alone():
    team = jury()
    assignment = first_assignment(team)
    judge, now = assignment.judge, timezone.now()
    services.save_score(assignment=assignment, values={}, expected_version=0, by=judge, now=now)
    services.record_play_progress(assignment=assignment, fraction=0.6, by=judge)
    services.record_play_progress(assignment=assignment, fraction=0.2, by=judge)
    assignment.refresh_from_db()
    assert assignment.played_fraction == 0.6
    assert Score.objects.get(assignment=assignment).version == 1
