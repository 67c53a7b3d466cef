"""Who sees what: a judge only their own assignments, files and scores; entrants no score at all; closed rounds
take no score; a judge of one round cannot score in another unless on its panel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from judging import services
from judging.enums import AssignmentMethod, ScoreState
from judging.models import Assignment, Score
from tests.judging.factories import jury
from tests.judging.works import with_image, with_video

pytestmark = pytest.mark.django_db


def score_url(assignment: Assignment) -> str:
    return f"/en/judging/assignments/{assignment.pk}/"


def scored(jury_, judge, assignment, values=(7, 8), comment="Strong message") -> Score:
    return services.submit_score(
        assignment=assignment,
        values={str(c.pk): v for c, v in zip(jury_.criteria, values, strict=True)},
        comment=comment,
        expected_version=0,
        by=judge,
        now=timezone.now(),
    )


def post_score(client, assignment, jury_, *, action="submit", version=0, values=(6, 6), comment="typed"):
    data = {f"criterion_{c.pk}": v for c, v in zip(jury_.criteria, values, strict=True)}
    data |= {"comment": comment, "feedback": "", "expected_version": version, "action": action, "confirm_played": "on"}
    return client.post(score_url(assignment), data)


def test_a_judge_gets_404_for_an_entry_assigned_to_someone_else_its_files_and_its_scores(client):
    j = jury(entries=4, judges=3, k=1)
    mine, theirs = j.judges[0], j.judges[1]
    other = Assignment.objects.filter(round=j.round, judge=theirs).first()
    with_image(other.entry)
    scored(j, theirs, other)
    client.force_login(mine)
    assert not Assignment.objects.filter(round=j.round, judge=mine, entry=other.entry).exists()
    assert client.get(score_url(other)).status_code == 404
    assert client.get(f"/en/judging/assignments/{other.pk}/work/display.jpg").status_code == 404
    assert client.get(f"/en/judging/assignments/{other.pk}/work/thumb.jpg").status_code == 404
    assert post_score(client, other, j, version=1).status_code == 404
    assert client.post(f"/en/judging/assignments/{other.pk}/played", {"fraction": "1"}).status_code == 404
    assert client.post(f"/en/judging/assignments/{other.pk}/knows").status_code == 404
    # Their score was not touched, and no page of the judge's shows it.
    assert Score.objects.get(assignment=other).comment == "Strong message"
    own = Assignment.objects.filter(round=j.round, judge=mine).first()
    page = client.get(score_url(own)).content.decode()
    assert "Strong message" not in page
    queue = client.get(f"/en/judging/rounds/{j.round.pk}/").content.decode()
    assert other.entry.title not in queue


def test_a_judge_sees_only_their_own_files_by_neutral_names_and_never_the_original(client):
    j = jury(entries=2, judges=1, k=1)
    judge = j.judges[0]
    assignment = Assignment.objects.filter(round=j.round, judge=judge).first()
    asset = with_image(assignment.entry, original_name="secret-name.jpg")
    client.force_login(judge)
    answer = client.get(f"/en/judging/assignments/{assignment.pk}/work/display.jpg")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"] == 'inline; filename="display.jpg"'
    # Names that are not a rendition (an original, a path, a release form) are not found.
    for name in ("original", "secret-name.jpg", asset.file.name.replace("/", "%2F"), "..%2Fdisplay.jpg"):
        assert client.get(f"/en/judging/assignments/{assignment.pk}/work/{name}").status_code == 404


def test_an_entrant_sees_no_score_of_their_entry_anywhere(client):
    j = jury(entries=2, judges=2, k=2)
    entry = j.entries[0]
    for judge in j.judges:
        scored(j, judge, Assignment.objects.get(round=j.round, judge=judge, entry=entry), comment="Private remark")
    client.force_login(entry.entrant)
    for assignment in Assignment.objects.filter(entry=entry):
        assert client.get(score_url(assignment)).status_code == 404
        assert client.get(f"/en/judging/assignments/{assignment.pk}/work/display.jpg").status_code == 404
    for page in ("results", "progress", "panel", ""):
        assert client.get(f"/en/judging/manage/rounds/{j.round.pk}/{page + '/' if page else ''}").status_code == 404
    assert client.get(f"/en/judging/manage/rounds/{j.round.pk}/entries/{entry.pk}/").status_code == 404
    assert client.get(f"/en/judging/manage/{j.contest.slug}/audit.json").status_code == 404
    assert client.get(f"/en/judging/rounds/{j.round.pk}/").status_code == 404
    own_page = client.get(f"/en/entries/{entry.reference}/").content.decode()
    assert "Private remark" not in own_page


def test_a_judge_of_round_one_cannot_score_in_round_two_unless_on_its_panel(client):
    j = jury(entries=2, judges=2, k=1)
    now = timezone.now()
    on_both, only_first = j.judges
    second = services.create_round(
        contest=j.contest, data={"name": "Final", "judges_per_entry": 1}, by=j.organizer, now=now
    )
    services.save_criterion(round=second, data={"name": "Overall"}, by=j.organizer, now=now)
    services.advance_entries(from_round=j.round, to_round=second, entries=j.entries, by=j.organizer, now=now)
    services.add_to_panel(round=second, judge=on_both, by=j.organizer, now=now)
    services.open_round(round=second, by=j.organizer, now=now)
    services.auto_assign(round=second, by=j.organizer, now=now)
    # An assignment the judge is not on the panel for (left behind by hand): it does not let them in.
    stray = Assignment.objects.create(
        round=second, entry=j.entries[0], judge=only_first, method=AssignmentMethod.MANUAL, assigned_at=now
    )
    client.force_login(only_first)
    assert client.get(f"/en/judging/rounds/{second.pk}/").status_code == 404
    assert client.get(score_url(stray)).status_code == 404
    data = {f"criterion_{second.criteria.get().pk}": 5, "expected_version": 0, "action": "submit"}
    assert client.post(score_url(stray), data).status_code == 404
    assert not Score.objects.filter(assignment=stray).exists()

    client.force_login(on_both)
    theirs = Assignment.objects.filter(round=second, judge=on_both).first()
    data = {
        f"criterion_{second.criteria.get().pk}": 5,
        "expected_version": 0,
        "action": "submit",
        "confirm_played": "on",
    }
    assert client.post(score_url(theirs), data).status_code == 302
    assert Score.objects.get(assignment=theirs).state == ScoreState.SUBMITTED


def test_a_closed_round_refuses_scores_and_keeps_the_text_on_screen(client):
    j = jury(entries=2, judges=1, k=1)
    judge = j.judges[0]
    assignment = Assignment.objects.filter(round=j.round, judge=judge).first()
    services.close_round(round=j.round, by=j.organizer, now=timezone.now())
    client.force_login(judge)
    page = client.get(score_url(assignment))
    assert page.status_code == 200
    assert "This round is closed to scores." in page.content.decode()
    answer = post_score(client, assignment, j, comment="My careful words")
    assert answer.status_code == 400
    assert "is closed to scores" in answer.content.decode()
    assert not Score.objects.filter(assignment=assignment).exists()


def test_a_round_past_its_closing_time_refuses_scores_even_if_nobody_closed_it(client):
    j = jury(entries=1, judges=1, k=1)
    services.update_round(
        round=j.round,
        data={"closes_at": timezone.now() - timedelta(minutes=1)},
        by=j.organizer,
        now=timezone.now() - timedelta(hours=1),
    )
    assignment = Assignment.objects.get(round=j.round)
    client.force_login(j.judges[0])
    assert post_score(client, assignment, j).status_code == 400
    assert not Score.objects.filter(assignment=assignment).exists()


def test_a_judge_who_left_the_panel_loses_access_to_work_not_submitted(client):
    j = jury(entries=2, judges=2, k=1)
    leaving = j.judges[0]
    held = list(Assignment.objects.filter(round=j.round, judge=leaving))
    services.remove_from_panel(round=j.round, judge=leaving, by=j.organizer, now=timezone.now())
    client.force_login(leaving)
    for assignment in held:
        assert client.get(score_url(assignment)).status_code == 404


def test_strangers_and_judges_cannot_open_the_organizer_pages(client):
    j = jury(entries=1, judges=1, k=1)
    client.force_login(j.judges[0])
    urls = [
        f"/en/judging/manage/{j.contest.slug}/",
        f"/en/judging/manage/{j.contest.slug}/screening/",
        f"/en/judging/manage/{j.contest.slug}/audit.csv",
        f"/en/judging/manage/rounds/{j.round.pk}/",
        f"/en/judging/manage/rounds/{j.round.pk}/results/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the sign-in page
    client.force_login(j.organizer)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_video_rendition_is_served_with_ranges_to_its_judge(client):
    j = jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get(round=j.round)
    with_video(assignment.entry)
    client.force_login(j.judges[0])
    answer = client.get(f"/en/judging/assignments/{assignment.pk}/work/video.mp4", HTTP_RANGE="bytes=0-99")
    assert answer.status_code == 206
    assert answer["Content-Range"].startswith("bytes 0-99/")
    assert len(b"".join(answer.streaming_content)) == 100


def test_every_judging_post_needs_the_csrf_token():
    from django.test import Client

    j = jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get(round=j.round)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(j.judges[0])
    assert strict.post(f"/en/judging/assignments/{assignment.pk}/played", {"fraction": "1"}).status_code == 403
    assert post_score(strict, assignment, j).status_code == 403
    assert strict.post(f"/en/judging/assignments/{assignment.pk}/knows").status_code == 403
    assignment.refresh_from_db()
    assert assignment.played_fraction == 0
    assert not Score.objects.filter(assignment=assignment).exists()
