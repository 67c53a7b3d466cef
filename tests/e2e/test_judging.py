"""Judging in Chromium: a judge scores three entries with the keyboard alone; an organizer reads the results
and advances the top two; every page axe-clean, on a phone and a desktop, in English and Arabic."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from judging import services
from judging.enums import ScoreState
from judging.models import Assignment, RoundEntry, Score
from tests.conftest import assert_accessible
from tests.judging.factories import jury
from tests.judging.works import with_audio, with_image, with_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the judge types on each entry, in queue order: two criteria (weights 2 and 1) and a comment.
SCORES = [(7, 8, "Clear and moving"), (9, 9, "The strongest of the three"), (5, 6, "Good idea, rough edges")]


@pytest.fixture
def contest_in_judging(transactional_db):
    j = jury(entries=3, judges=1, k=1, blind=True)
    category = j.entries[0].category
    category.media_kind = "photo"
    category.save()
    for entry in j.entries:
        with_image(entry)
    return j


def signed_in(page, live_server, user) -> None:
    """The browser gets the session a signed-in person would have (sign-in itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.id || document.activeElement.tagName")


def test_a_judge_scores_three_entries_with_the_keyboard_alone(page, live_server, contest_in_judging):
    j = contest_in_judging
    judge = j.judges[0]
    queue = list(Assignment.objects.filter(round=j.round, judge=judge).order_by("entry_id"))
    signed_in(page, live_server, judge)
    page.goto(f"{live_server.url}/en/judging/rounds/{j.round.pk}/")
    assert page.get_by_text("0 of 3 scored").is_visible()
    assert_accessible(page, "judging-1-queue")

    page.goto(f"{live_server.url}/en/judging/assignments/{queue[0].pk}/")
    assert page.get_by_text("Entry 1 of 3").is_visible()
    # n and p move through the queue; typing the same letters in a field does not.
    page.keyboard.press("n")
    page.wait_for_url(f"**/assignments/{queue[1].pk}/")
    page.keyboard.press("p")
    page.wait_for_url(f"**/assignments/{queue[0].pk}/")
    assert_accessible(page, "judging-2-score-sheet")

    # s saves a draft once the judge leaves the field with Escape.
    page.keyboard.press("1")
    assert focused(page) == f"criterion_{j.criteria[0].pk}"
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("np s: letters typed here stay here")
    assert page.url.endswith(f"/assignments/{queue[0].pk}/")
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    page.get_by_text("Your draft is saved. It is not submitted yet.").wait_for()
    draft = Score.objects.get(assignment=queue[0])
    assert draft.state == ScoreState.DRAFT and draft.comment == "np s: letters typed here stay here"

    for number, (assignment, (message, craft, comment)) in enumerate(zip(queue, SCORES, strict=True), start=1):
        page.wait_for_url(f"**/assignments/{assignment.pk}/")
        assert page.get_by_text(f"Entry {number} of 3").is_visible()
        page.keyboard.press("1")
        page.keyboard.press("Control+a")
        page.keyboard.type(str(message))
        page.keyboard.press("Tab")
        assert focused(page) == f"criterion_{j.criteria[1].pk}"
        page.keyboard.type(str(craft))
        page.keyboard.press("Tab")
        assert focused(page) == "comment"
        page.keyboard.press("Control+a")
        page.keyboard.type(comment)
        page.keyboard.press("Tab")  # feedback, left empty
        page.keyboard.press("Tab")  # Save draft
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Submit score"
        page.keyboard.press("Enter")
        page.get_by_text("Your score is submitted.").wait_for()

    page.wait_for_url(f"**/judging/rounds/{j.round.pk}/")
    assert page.get_by_text("3 of 3 scored").is_visible()
    for assignment, (message, craft, comment) in zip(queue, SCORES, strict=True):
        score = Score.objects.get(assignment=assignment)
        assert score.state == ScoreState.SUBMITTED
        assert score.values == {str(j.criteria[0].pk): message, str(j.criteria[1].pk): craft}
        assert score.comment == comment
    assert_accessible(page, "judging-3-queue-done")


def test_an_organizer_reads_the_results_and_advances_the_top_two(page, live_server, contest_in_judging):
    j = contest_in_judging
    judge = j.judges[0]
    now = timezone.now()
    final = services.create_round(contest=j.contest, data={"name": "Final round"}, by=j.organizer, now=now)
    for assignment, (message, craft, comment) in zip(
        Assignment.objects.filter(round=j.round).order_by("entry_id"), SCORES, strict=True
    ):
        services.submit_score(
            assignment=assignment,
            values={str(j.criteria[0].pk): message, str(j.criteria[1].pk): craft},
            comment=comment,
            expected_version=0,
            by=judge,
            now=now,
        )
    signed_in(page, live_server, j.organizer)
    page.goto(f"{live_server.url}/en/judging/manage/rounds/{j.round.pk}/results/")
    table = page.locator("table[data-results]")
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    best, second, third = (j.entries[1], j.entries[0], j.entries[2])
    assert [rows.nth(i).locator("th").inner_text().split()[0] for i in range(3)] == [
        best.reference,
        second.reference,
        third.reference,
    ]
    first_row = rows.nth(0).locator("td").all_inner_texts()
    assert first_row[1:4] == ["1", "1", "9.00"]  # both ranks, the raw weighted mean
    assert_accessible(page, "judging-4-results")

    page.get_by_label("How many of the best advance").fill("2")
    page.get_by_role("button", name="Advance").click()
    page.get_by_text("2 entries advanced to Final round.").wait_for()
    assert set(RoundEntry.objects.filter(round=final).values_list("entry_id", flat=True)) == {best.pk, second.pk}

    page.goto(f"{live_server.url}/en/judging/manage/rounds/{j.round.pk}/progress/")
    assert page.get_by_text("3 of 3 scored").first.is_visible()
    assert_accessible(page, "judging-5-progress")


WIDER_THAN_THE_PAGE = """[...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.right > innerWidth + 1 || r.left < -1;
}).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width))"""


@pytest.mark.parametrize(
    ("browser_page", "width", "language"), [("phone_page", 360, "en"), ("phone_page", 360, "ar"), ("page", 1280, "en")]
)
def test_the_judging_pages_fit_a_phone_and_a_desktop(
    request, live_server, contest_in_judging, browser_page, width, language
):
    page = request.getfixturevalue(browser_page)
    j = contest_in_judging
    video_entry, audio_entry = j.entries[1], j.entries[2]
    for entry, make in ((video_entry, with_video), (audio_entry, with_audio)):
        entry.assets.all().delete()
        make(entry, captions="1\n00:00:00,000 --> 00:00:01,000\nHello\n") if make is with_video else make(entry)
    judge = j.judges[0]
    signed_in(page, live_server, judge)
    for entry, kind in zip(j.entries, ("image", "video", "audio"), strict=True):
        assignment = Assignment.objects.get(round=j.round, judge=judge, entry=entry)
        page.goto(f"{live_server.url}/{language}/judging/assignments/{assignment.pk}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        assert_accessible(page, f"judging-score-{kind}-{language}-{width}px")
    for name, path in (
        ("home", ""),
        ("queue", f"rounds/{j.round.pk}/"),
        ("details", f"contests/{j.contest.slug}/details/"),
    ):
        page.goto(f"{live_server.url}/{language}/judging/{path}")
        wide = page.evaluate(WIDER_THAN_THE_PAGE)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways: {wide}"
        assert_accessible(page, f"judging-{name}-{language}-{width}px")
    page.context.clear_cookies()
    invitation = services.invite_judge(
        contest=j.contest, email="guest@voices.example", by=j.organizer, now=timezone.now(), round=j.round
    )
    page.goto(f"{live_server.url}/{language}/judging/invitation/{services.invitation_token(invitation)}/")
    assert_accessible(page, f"judging-invitation-{language}-{width}px")
    signed_in(page, live_server, j.organizer)
    for name, path in (
        ("contest", f"manage/{j.contest.slug}/"),
        ("screening", f"manage/{j.contest.slug}/screening/"),
        ("round-new", f"manage/{j.contest.slug}/rounds/new/"),
        ("round", f"manage/rounds/{j.round.pk}/"),
        ("panel", f"manage/rounds/{j.round.pk}/panel/"),
        ("progress", f"manage/rounds/{j.round.pk}/progress/"),
        ("results", f"manage/rounds/{j.round.pk}/results/"),
        ("entry", f"manage/rounds/{j.round.pk}/entries/{j.entries[0].pk}/"),
    ):
        page.goto(f"{live_server.url}/{language}/judging/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            f"{path} scrolls sideways: {page.evaluate(WIDER_THAN_THE_PAGE)}"
        )
        assert_accessible(page, f"judging-{name}-{language}-{width}px")


def test_the_share_of_a_film_played_is_recorded_and_a_barely_seen_film_needs_confirming(
    page, live_server, transactional_db
):
    j = jury(entries=1, judges=1, k=1)  # a video category
    assignment = Assignment.objects.get(round=j.round)
    with_video(assignment.entry, captions="1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    signed_in(page, live_server, j.judges[0])
    page.goto(f"{live_server.url}/en/judging/assignments/{assignment.pk}/")
    page.get_by_label("Message").fill("6")
    page.get_by_label("Craft").fill("7")
    page.get_by_role("button", name="Submit score").click()
    warning = page.get_by_role("alert")
    warning.wait_for()
    assert "You have played 0\u00a0% of this work." in warning.inner_text()
    assert page.get_by_label("Message").input_value() == "6"  # nothing typed is lost
    assert not Score.objects.filter(assignment=assignment).exists()

    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("() => document.querySelector('video').ended", timeout=15_000)
    page.get_by_text("You have played 100\u00a0% of it.").or_(
        page.get_by_text("You have played 100% of it.")
    ).wait_for()
    page.get_by_role("button", name="Submit score").click()
    page.get_by_text("Your score is submitted.").wait_for()
    assignment.refresh_from_db()
    assert assignment.played_fraction > 0.9
    assert Score.objects.get(assignment=assignment).state == ScoreState.SUBMITTED


def test_two_tabs_on_one_score_the_stale_save_keeps_its_text_on_screen(page, live_server, contest_in_judging):
    j = contest_in_judging
    assignment = Assignment.objects.filter(round=j.round).order_by("entry_id").first()
    signed_in(page, live_server, j.judges[0])
    other_tab = page.context.new_page()
    for tab in (page, other_tab):
        tab.goto(f"{live_server.url}/en/judging/assignments/{assignment.pk}/")
    page.get_by_label("Comment for the organizers").fill("Written in the first tab")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Your draft is saved.").wait_for()

    other_tab.get_by_label("Message").fill("9")
    other_tab.get_by_label("Comment for the organizers").fill("A long thought from the second tab")
    with other_tab.expect_response(lambda answer: answer.request.method == "POST") as posted:
        other_tab.get_by_role("button", name="Save draft").click()
    assert posted.value.status == 409
    other_tab.get_by_text("This score was changed in another window since you opened it.").wait_for()
    assert other_tab.get_by_label("Comment for the organizers").input_value() == "A long thought from the second tab"
    assert other_tab.get_by_label("Message").input_value() == "9"
    assert other_tab.get_by_role("alert").get_by_text("Written in the first tab").is_visible()
    assert Score.objects.get(assignment=assignment).comment == "Written in the first tab"
    assert_accessible(other_tab, "judging-6-stale-save")
