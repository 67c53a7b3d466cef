"""A blind round: nothing the judge's browser receives — page, markup, files — names the entrant."""

import re

import pytest
from django.utils import timezone

from judging import services
from judging.models import Assignment
from submissions.enums import CoCreatorStatus
from submissions.models import CoCreator
from tests.judging.factories import jury
from tests.judging.works import with_audio, with_image, with_video

pytestmark = pytest.mark.django_db

NAME = "Zainab Quetzal-Haddad"
EMAIL = "zainab.quetzal@voices.example"
TEAM = "Tariq Oyelaran-Bishop"
FILE_NAMES = {
    "video": "zainab-haddad-final-cut.mp4",
    "image": "ZainabHaddad_portrait.jpg",
    "audio": "zainab_haddad_podcast.m4a",
}
CAPTIONS = "1\n00:00:00,000 --> 00:00:01,000\nThe fields my grandmother could not farm.\n"


def identifying(entrant) -> list[str]:
    return [
        NAME,
        EMAIL,
        entrant.email,
        TEAM,
        "Jordan",
        *FILE_NAMES.values(),
        *(name.rsplit(".", 1)[0] for name in FILE_NAMES.values()),
    ]


def make_entrants_known(j):
    """Three entries, one of each kind, by entrants whose names and file names are easy to find."""
    kinds = {"video": with_video, "image": with_image, "audio": with_audio}
    for index, (entry, kind) in enumerate(zip(j.entries, kinds, strict=True)):
        entrant = entry.entrant
        entrant.full_name, entrant.email, entrant.country = f"{NAME} {index}", f"{index}.{EMAIL}", "JO"
        entrant.save()
        CoCreator.objects.create(
            entry=entry,
            name=TEAM,
            email=f"{index}.tariq@voices.example",
            date_of_birth="2001-01-01",
            status=CoCreatorStatus.CONFIRMED,
            invited_at=timezone.now(),
        )
        if kind == "video":
            with_video(entry, original_name=FILE_NAMES[kind], captions=CAPTIONS)
        else:
            kinds[kind](entry, original_name=FILE_NAMES[kind])


def fetch_everything(client, assignment) -> tuple[str, list[bytes]]:
    """The scoring page and every file it points at (renditions, captions), as the browser would load them."""
    page = client.get(f"/en/judging/assignments/{assignment.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    files = []
    for url in sorted(set(re.findall(r'(?:src|poster|href)="(/en/judging/assignments/[^"]+)"', html))):
        answer = client.get(url)
        if answer.status_code == 200 and url != f"/en/judging/assignments/{assignment.pk}/":
            files.append(b"".join(answer.streaming_content) if answer.streaming else answer.content)
    return html, files


def test_nothing_in_a_blind_rounds_pages_or_files_names_the_entrant(client):
    j = jury(entries=3, judges=1, k=1, blind=True)
    make_entrants_known(j)
    judge = j.judges[0]
    client.force_login(judge)
    pages = [
        client.get("/en/judging/").content.decode(),
        client.get(f"/en/judging/rounds/{j.round.pk}/").content.decode(),
    ]
    served = []
    kinds_seen = set()
    for assignment in Assignment.objects.filter(round=j.round, judge=judge).select_related("entry"):
        html, files = fetch_everything(client, assignment)
        assert assignment.entry.title in html  # the work itself is there
        kinds_seen |= {kind for kind in ("<video", "<audio", "<img") if kind in html}
        pages.append(html)
        served += files
    assert kinds_seen == {"<video", "<audio", "<img"}
    assert len(served) >= 7  # video, poster, captions, image, audio, waveform…
    for text in identifying(j.entries[0].entrant):
        for page in pages:
            assert text not in page, f"{text!r} is in the judge's HTML"
        for data in served:
            assert text.encode() not in data, f"{text!r} is in a file served to the judge"
    # The originals do carry the name: the test would catch a page that served them.
    original = j.entries[1].assets.get().file.open("rb").read()
    assert NAME.encode() in original


def test_captions_are_served_as_webvtt_to_the_judge(client):
    j = jury(entries=1, judges=1, k=1)
    assignment = Assignment.objects.get(round=j.round)
    with_video(assignment.entry, captions=CAPTIONS)
    client.force_login(j.judges[0])
    page = client.get(f"/en/judging/assignments/{assignment.pk}/").content.decode()
    track = f'src="/en/judging/assignments/{assignment.pk}/captions/en.vtt"'
    assert f'<track kind="captions" srclang="en" label="English" {track} default>' in page
    answer = client.get(f"/en/judging/assignments/{assignment.pk}/captions/en.vtt")
    assert answer["Content-Type"] == "text/vtt; charset=utf-8"
    assert answer.content.decode().startswith("WEBVTT")
    assert "00:00:00.000 --> 00:00:01.000" in answer.content.decode()


def test_an_open_round_shows_the_entrant_and_the_team(client):
    j = jury(entries=3, judges=1, k=1, blind=False)
    make_entrants_known(j)
    client.force_login(j.judges[0])
    assignment = Assignment.objects.filter(round=j.round).first()
    html = client.get(f"/en/judging/assignments/{assignment.pk}/").content.decode()
    assert NAME in html and TEAM in html and "Jordan" in html
    assert EMAIL not in html  # an email address is never needed to judge


def test_the_judges_of_a_blind_round_see_each_others_scores_only_in_an_open_discussion(client):
    j = jury(entries=1, judges=2, k=2, blind=True)
    first, second = j.judges
    second.full_name = "Sofia Second"
    second.save()
    entry = j.entries[0]
    now = timezone.now()
    values = {str(c.pk): 9 for c in j.criteria}
    for judge, comment in ((first, "Moving and precise"), (second, "Needs a clearer ending")):
        services.submit_score(
            assignment=Assignment.objects.get(entry=entry, judge=judge),
            values=values,
            comment=comment,
            expected_version=0,
            by=judge,
            now=now,
        )
    client.force_login(first)
    url = f"/en/judging/assignments/{Assignment.objects.get(entry=entry, judge=first).pk}/"
    assert "Needs a clearer ending" not in client.get(url).content.decode()
    services.set_discussion(round=j.round, open=True, by=j.organizer, now=now)
    html = client.get(url).content.decode()
    assert "Needs a clearer ending" in html
    assert "Judge 1" in html and second.full_name not in html
