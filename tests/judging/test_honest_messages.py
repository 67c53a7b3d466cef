"""Plain messages where the old ones said something untrue or twisted: assigning in a round not yet open,
awards while judging is still open, the ranking before the round is closed."""

import pytest
from django.utils import timezone

from judging import services
from judging.models import Assignment
from results.models import Award
from tests.judging.factories import jury
from tests.pages import text

pytestmark = pytest.mark.django_db


def test_assigning_in_a_round_not_yet_open_says_to_open_it_first(client):
    j = jury(entries=3, judges=2, k=2, open_round=False, assign=False)
    client.force_login(j.organizer)
    panel = f"/en/judging/manage/rounds/{j.round.pk}/panel/"

    page = text(client.get(panel))
    assert "Open the round first" in page
    assert "Assign automatically" not in page

    answer = client.post(panel, {"action": "assign"})
    said = text(answer)
    assert answer.status_code == 400
    assert "Open the round first: its entries join it when it opens" in said
    assert "0 assignments made" not in said and "Every entry has its" not in said
    assert not Assignment.objects.exists()


def test_assigning_again_when_everything_is_shared_says_nothing_new_was_needed(client):
    j = jury(entries=2, judges=2, k=1)
    client.force_login(j.organizer)
    said = text(client.post(f"/en/judging/manage/rounds/{j.round.pk}/panel/", {"action": "assign"}))
    assert "Nothing new to assign: the work was already shared out." in said
    assert "0 assignments made" not in said


def score_all(j):
    now = timezone.now()
    for assignment in Assignment.objects.filter(round=j.round).select_related("judge"):
        services.submit_score(assignment=assignment, values={str(c.pk): 6 for c in j.criteria},
                              expected_version=0, by=assignment.judge, now=now)


def test_the_ranking_is_so_far_until_the_round_is_closed(client):
    j = jury(entries=2, judges=1, k=1)
    score_all(j)
    client.force_login(j.organizer)
    manage = f"/en/contests/{j.contest.slug}/results/manage/"

    open_page = text(client.get(manage))
    assert "Ranking so far" in open_page and "Final ranking" not in open_page
    assert f"Judging is still open in “{j.round.name}”" in open_page

    services.close_round(round=j.round, by=j.organizer, now=timezone.now())
    closed_page = text(client.get(manage))
    assert "Final ranking" in closed_page and "Ranking so far" not in closed_page


def test_an_award_while_judging_is_open_for_an_unscored_entry_is_asked_about_first(client):
    j = jury(entries=2, judges=1, k=1)
    entry = j.entries[0]
    client.force_login(j.organizer)
    url = f"/en/contests/{j.contest.slug}/results/manage/awards/"

    asked = client.post(url, {"kind": "winner", "entry": entry.reference, "scope": ""})

    said = text(asked)
    assert asked.status_code == 409
    assert f"Judging is still open in “{j.round.name}”" in said
    assert f"{entry.reference} has no submitted score in “{j.round.name}”." in said
    assert "Nothing is given yet." in said
    assert not Award.objects.exists()
    # Given anyway, deliberately: the same answers and the confirmation.
    given = client.post(url, {"kind": "winner", "entry": entry.reference, "scope": "", "despite_warnings": "1"})
    assert given.status_code == 302
    assert Award.objects.get().entry == entry


def test_an_award_after_the_round_is_closed_and_scored_is_given_at_once(client):
    j = jury(entries=2, judges=1, k=1)
    score_all(j)
    services.close_round(round=j.round, by=j.organizer, now=timezone.now())
    client.force_login(j.organizer)
    page = text(client.get(f"/en/contests/{j.contest.slug}/results/manage/"))
    assert "Before you give an award" not in page
    given = client.post(f"/en/contests/{j.contest.slug}/results/manage/awards/",
                        {"kind": "winner", "entry": j.entries[0].reference, "scope": ""})
    assert given.status_code == 302 and Award.objects.count() == 1


def test_releasing_or_reminding_with_nobody_to_tell_says_so_instead_of_zero(client):
    j = jury(entries=1, judges=1, k=1)
    client.force_login(j.organizer)
    client.post(f"/en/judging/manage/{j.contest.slug}/screening/release/")  # the one decision is told
    released = client.post(f"/en/judging/manage/{j.contest.slug}/screening/release/", follow=True)
    assert "Every decision made so far has already been emailed to its entrant." in text(released)
    assert "0 entrants" not in text(released)
    services.submit_score(assignment=Assignment.objects.get(round=j.round), values={str(c.pk): 5 for c in j.criteria},
                          expected_version=0, by=j.judges[0], now=timezone.now())
    reminded = client.post(f"/en/judging/manage/rounds/{j.round.pk}/progress/", follow=True)
    assert "no reminder was needed" in text(reminded) and "0 judges" not in text(reminded)
