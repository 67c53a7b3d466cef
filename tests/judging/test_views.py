"""The judge's workspace over HTTP: queue, score sheet, drafts, submitting, two tabs, the play warning,
"I know this entrant"."""

import re

import pytest
from django.utils import timezone

from judging import services
from judging.enums import ConflictKind, ScoreState
from judging.models import Assignment, ConflictOfInterest, Score
from tests.judging.factories import jury
from tests.pages import text

pytestmark = pytest.mark.django_db


def form_data(j, values, *, version=0, action="save", comment="", feedback="", **extra):
    data = {f"criterion_{c.pk}": v for c, v in zip(j.criteria, values, strict=True)}
    return data | {"comment": comment, "feedback": feedback, "expected_version": version, "action": action, **extra}


def url(assignment) -> str:
    return f"/en/judging/assignments/{assignment.pk}/"


def photo_jury(**kwargs):
    j = jury(**kwargs)
    category = j.entries[0].category
    category.media_kind = "photo"
    category.save()
    return j


def test_a_judge_saves_a_draft_then_submits_and_lands_on_the_next_entry(client):
    j = photo_jury(entries=3, judges=1, k=1)
    judge = j.judges[0]
    first, second, third = Assignment.objects.filter(round=j.round, judge=judge).order_by("entry_id")
    client.force_login(judge)
    queue = text(client.get(f"/en/judging/rounds/{j.round.pk}/"))
    assert "0 of 3 scored" in queue
    assert all(a.entry.title in queue for a in (first, second, third))

    page = text(client.get(url(first)))
    assert "Entry 1 of 3" in page and "0 of 3 scored" in page
    assert re.search(r'<label for="id_criterion_\d+">Message', page)
    assert "from 1 to 10, weight 2" in page
    assert 'rel="next"' in page and 'rel="prev"' not in page

    answer = client.post(url(first), form_data(j, (7, ""), comment="Half done"))
    assert answer.status_code == 302 and answer["Location"] == url(first)
    score = Score.objects.get(assignment=first)
    assert (score.state, score.values, score.comment, score.version) == (
        ScoreState.DRAFT,
        {str(j.criteria[0].pk): 7},
        "Half done",
        1,
    )
    page = text(client.get(url(first)))
    assert "Draft saved" in page and 'value="7"' in page and "Half done" in page

    answer = client.post(url(first), form_data(j, (7, 9), version=1, action="submit", comment="Done"))
    assert answer.status_code == 302 and answer["Location"] == url(second)
    score.refresh_from_db()
    assert score.state == ScoreState.SUBMITTED
    assert score.total == pytest.approx((7 * 2 + 9) / 3)
    assert "1 of 3 scored" in text(client.get(f"/en/judging/rounds/{j.round.pk}/"))


def test_submitting_needs_every_criterion_and_a_score_on_the_scale(client):
    j = photo_jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get(round=j.round)
    client.force_login(j.judges[0])
    answer = client.post(url(assignment), form_data(j, (11, 5), action="submit", comment="My long remark"))
    assert answer.status_code == 400
    page = text(answer)
    assert "Give a score from 1 to 10." in page
    assert "My long remark" in page  # nothing typed is lost
    answer = client.post(url(assignment), form_data(j, (8, ""), action="submit", comment="My long remark"))
    assert answer.status_code == 400
    assert "“Craft”: give a score." in text(answer)
    assert "My long remark" in text(answer)
    assert not Score.objects.filter(assignment=assignment, state=ScoreState.SUBMITTED).exists()


def test_a_stale_save_from_a_second_tab_gets_409_and_keeps_the_judges_text(client):
    j = photo_jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get(round=j.round)
    client.force_login(j.judges[0])
    # Both tabs open the empty sheet (version 0); the first saves.
    assert 'name="expected_version" value="0"' in text(client.get(url(assignment)))
    first_tab = client.post(url(assignment), form_data(j, (5, 5), comment="From the first tab"))
    assert first_tab.status_code == 302
    second_tab = client.post(url(assignment), form_data(j, (9, 2), comment="Written in the second tab"))
    assert second_tab.status_code == 409
    page = text(second_tab)
    assert "changed in another window" in page
    assert "Written in the second tab" in page  # the judge's own text, in the form
    assert re.search(rf'name="criterion_{j.criteria[0].pk}" value="9"', page)
    assert "From the first tab" in page  # the saved version, shown beside it
    score = Score.objects.get(assignment=assignment)
    assert (score.comment, score.version) == ("From the first tab", 1)  # nothing merged, nothing lost
    # The form now carries the saved version: saving again is a deliberate overwrite.
    assert 'name="expected_version" value="1"' in page
    again = client.post(url(assignment), form_data(j, (9, 2), version=1, comment="Written in the second tab"))
    assert again.status_code == 302
    score.refresh_from_db()
    assert (score.comment, score.version) == ("Written in the second tab", 2)


def test_a_work_played_less_than_half_is_submitted_only_after_a_warning(client):
    j = jury(entries=1, judges=1, k=1)  # a video category
    assignment = Assignment.objects.get(round=j.round)
    client.force_login(j.judges[0])
    assert client.post(f"{url(assignment)}played", {"fraction": "0.2"}).json() == {"played": 0.2}
    assert client.post(f"{url(assignment)}played", {"fraction": "0.1"}).json() == {"played": 0.2}  # only grows
    assert client.post(f"{url(assignment)}played", {"fraction": "lots"}).status_code == 400
    answer = client.post(url(assignment), form_data(j, (6, 6), action="submit", comment="Quick view"))
    assert answer.status_code == 200
    page = text(answer)
    assert "You have played 20\u00a0% of this work." in page
    assert 'name="confirm_played"' in page and "Quick view" in page
    assert not Score.objects.filter(assignment=assignment).exists()
    answer = client.post(url(assignment), form_data(j, (6, 6), action="submit", confirm_played="on"))
    assert answer.status_code == 302
    assert Score.objects.get(assignment=assignment).state == ScoreState.SUBMITTED


def test_a_work_played_past_half_is_submitted_without_a_warning(client):
    j = jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get(round=j.round)
    client.force_login(j.judges[0])
    client.post(f"{url(assignment)}played", {"fraction": "0.75"})
    assert client.post(url(assignment), form_data(j, (6, 6), action="submit")).status_code == 302


def test_i_know_this_entrant_reassigns_the_entry_and_records_why(client):
    j = photo_jury(entries=2, judges=3, k=1)
    judge = j.judges[0]
    assignment = Assignment.objects.filter(round=j.round, judge=judge).first()
    entry = assignment.entry
    client.force_login(judge)
    answer = client.post(f"{url(assignment)}knows", {"note": "She was my student"})
    assert answer.status_code == 302 and answer["Location"] == f"/en/judging/rounds/{j.round.pk}/"
    assert not Assignment.objects.filter(round=j.round, judge=judge, entry=entry).exists()
    assert Assignment.objects.filter(round=j.round, entry=entry).exclude(judge=judge).count() == 1
    conflict = ConflictOfInterest.objects.get(judge=judge)
    assert (conflict.kind, conflict.entry_id, conflict.note) == (
        ConflictKind.KNOWS_ENTRANT,
        entry.pk,
        "She was my student",
    )
    follow = text(client.get(answer["Location"]))
    assert "given to another judge" in follow
    assert client.get(url(assignment)).status_code == 404


def test_other_judges_scores_stay_hidden_until_the_judges_own_is_submitted_in_an_open_round(client):
    j = photo_jury(entries=1, judges=2, k=2, blind=False)
    first, second = j.judges
    values = {str(c.pk): 4 for c in j.criteria}
    other = Assignment.objects.get(round=j.round, judge=second)
    services.submit_score(
        assignment=other, values=values, comment="A harsh view", expected_version=0, by=second, now=timezone.now()
    )
    mine = Assignment.objects.get(round=j.round, judge=first)
    client.force_login(first)
    assert "A harsh view" not in text(client.get(url(mine)))
    client.post(url(mine), form_data(j, (8, 8), action="submit"))
    assert "A harsh view" in text(client.get(url(mine)))


def test_the_keyboard_shortcuts_are_documented_on_the_page(client):
    j = photo_jury(entries=2, judges=1, k=1)
    client.force_login(j.judges[0])
    page = text(client.get(url(Assignment.objects.filter(round=j.round).first())))
    assert "Keyboard shortcuts" in page
    for key in ("<kbd>n</kbd>", "<kbd>p</kbd>", "<kbd>s</kbd>", "<kbd>?</kbd>"):
        assert key in page
    assert 'data-shortcut="next"' in page and 'data-shortcut="save"' in page


def test_the_judging_link_shows_to_judges_and_organizers_only(client):
    j = photo_jury(entries=1, judges=1, k=1)
    client.force_login(j.judges[0])
    assert 'href="/en/judging/">Judging</a>' in text(client.get("/en/"))
    client.force_login(j.entries[0].entrant)
    assert 'href="/en/judging/"' not in text(client.get("/en/"))
    client.force_login(j.organizer)
    home = text(client.get("/en/judging/"))
    assert f'href="/en/judging/manage/{j.contest.slug}/"' in home


def test_the_workspace_speaks_arabic_right_to_left(client):
    j = photo_jury(entries=1, judges=1, k=1)
    client.force_login(j.judges[0])
    answer = client.get(f"/ar/judging/assignments/{Assignment.objects.get(round=j.round).pk}/")
    assert answer.status_code == 200
    assert '<html lang="ar" dir="rtl"' in text(answer)


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["queue", "score", "results", "progress", "screening"])
def test_list_pages_run_as_many_queries_for_thirty_entries_as_for_three(client, page):
    counts = []
    for size in (3, 30):
        j = photo_jury(entries=size, judges=2, k=2)
        for assignment in Assignment.objects.filter(round=j.round, judge=j.judges[0])[:2]:
            services.submit_score(
                assignment=assignment,
                values={str(c.pk): 6 for c in j.criteria},
                expected_version=0,
                by=j.judges[0],
                now=timezone.now(),
            )
        judge_view = page in ("queue", "score")
        client.force_login(j.judges[0] if judge_view else j.organizer)
        path = {
            "queue": f"/en/judging/rounds/{j.round.pk}/",
            "score": url(Assignment.objects.filter(round=j.round, judge=j.judges[0]).last()),
            "results": f"/en/judging/manage/rounds/{j.round.pk}/results/",
            "progress": f"/en/judging/manage/rounds/{j.round.pk}/progress/",
            "screening": f"/en/judging/manage/{j.contest.slug}/screening/",
        }[page]
        counts.append(_queries(client, path))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 3 entries, {counts[1]} for 30"
    assert counts[1] <= 25


def test_a_work_whose_file_is_not_ready_says_so_and_an_essay_shows_its_text(client):
    j = photo_jury(entries=2, judges=1, k=1)
    waiting, essay = Assignment.objects.filter(round=j.round).order_by("entry_id")
    essay.entry.essay_text = "The fields were quiet.\n\nThen the children came back."
    essay.entry.save()
    client.force_login(j.judges[0])
    assert "The file of this work is not ready to view yet." in text(client.get(url(waiting)))
    page = text(client.get(url(essay)))
    assert "<p>The fields were quiet.</p>" in page and "not ready to view" not in page
