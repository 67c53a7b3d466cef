"""Told before typing: a new entry that cannot be saved is refused before its form, with the reason and the fix;
the form asks only what the chosen kind of work needs."""

import re

import pytest

from contest.enums import MediaKind
from submissions.models import Entry
from tests.pages import text
from tests.submissions.test_entries import answers, draft, essay_category, essay_contest, new_entry_url, registered

pytestmark = pytest.mark.django_db


def video_category(contest):
    return contest.categories.get(media_kind=MediaKind.VIDEO)


def test_an_entrant_at_the_contests_limit_reads_why_and_gets_no_form(client):
    contest = essay_contest(max_entries_per_entrant=1)
    entrant = registered(contest)
    draft(contest, entrant)
    client.force_login(entrant)

    response = client.get(new_entry_url(contest))

    page = text(response)
    assert response.status_code == 403
    assert "This contest takes at most 1 entry from each entrant, and you have it already." in page
    assert "Withdraw one to make room for a new one." in page
    html = response.content.decode()
    assert 'name="title"' not in html and 'name="category"' not in html and 'name="declarations"' not in html
    assert "All my entries" in page


def test_a_full_category_is_shown_with_its_reason_and_cannot_be_chosen(client):
    contest = essay_contest()
    essay = essay_category(contest)
    essay.max_entries_per_entrant = 1
    essay.save()
    entrant = registered(contest)
    draft(contest, entrant)
    client.force_login(entrant)

    choose = client.get(new_entry_url(contest))

    html = choose.content.decode()
    assert choose.status_code == 200
    assert f'id="category-{essay.pk}" disabled' in html
    assert "“Essay” takes at most 1 entry from each entrant, and you have it already." in text(choose)
    video_input = re.search(rf'<input[^>]*id="category-{video_category(contest).pk}"[^>]*>', html).group(0)
    assert "disabled" not in video_input
    assert 'name="title"' not in html
    # Asking for the full category anyway: the reason again, and still nothing to type.
    forced = client.get(new_entry_url(contest) + f"?category={essay.pk}")
    assert forced.status_code == 400 and 'name="title"' not in forced.content.decode()
    assert "Choose another category, or withdraw an entry in this one." in text(forced)


def test_the_video_form_has_no_essay_box_and_the_essay_form_has_one(client):
    contest = essay_contest()
    client.force_login(registered(contest))

    video = client.get(new_entry_url(contest) + f"?category={video_category(contest).pk}")
    essay = client.get(new_entry_url(contest) + f"?category={essay_category(contest).pk}")

    assert video.status_code == essay.status_code == 200
    assert 'name="essay_text"' not in video.content.decode()
    assert 'name="title"' in video.content.decode()
    assert "Category: Short video." in text(video)
    assert 'name="essay_text"' in essay.content.decode()
    assert "Choose another category" in text(essay)


def test_a_video_entry_saved_with_an_essay_typed_keeps_no_essay(client):
    contest = essay_contest()
    client.force_login(registered(contest))

    saved = client.post(
        new_entry_url(contest), answers(contest, category=video_category(contest).pk, essay_text="Typed anyway.")
    )

    assert saved.status_code == 302
    entry = Entry.objects.get()
    assert entry.category.media_kind == MediaKind.VIDEO and entry.essay_text == ""
