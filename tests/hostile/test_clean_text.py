"""Text sent with control characters and direction overrides is stored and shown clean: a round's name, an
essay, an award's citation and an upload's file name, in the pages and in the CSV exports; names that would
hide what they say behind a direction override are refused with a message that says why."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.text import clean_file_name, clean_line, clean_lines
from contest.enums import MediaKind
from judging.models import Round
from results.models import Award
from submissions import uploads
from submissions.models import Entry, MediaAsset, Upload
from tests.factories import CategoryFactory, ContestFactory, ThemeFactory
from tests.judging.factories import jury
from tests.results.helpers import judged_contest
from tests.submissions.test_entries import answers, essay_contest, registered
from tests.uploading import metadata, pdf_bytes

pytestmark = pytest.mark.django_db

RLO = "\u202e"
OVERRIDE_MESSAGE = "invisible characters that reverse the direction of text"
CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\x85", "\x9b"]


def has_controls(text: str) -> bool:
    return any(c in text for c in CONTROLS) or RLO in text


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_cleaners_keep_what_a_person_typed_and_drop_the_rest():
    assert clean_line("Final\x13 round\x0c\tone\r\ntwo\x00") == "Final round one two"
    assert clean_lines("Para one\r\n\tindented\x1b[31m\rend\x9b") == "Para one\n\tindented[31m\nend"
    assert clean_lines(f"left {RLO}right\u2066iso\u2069") == "left rightiso"
    assert clean_line("مرحبا\u200f hello") == "مرحبا\u200f hello"  # a right-to-left mark is writing, not a trick
    assert clean_file_name("\x1b[2J../../etc/pass\r\nwd\x00.mp4") == "pass wd.mp4"
    assert clean_file_name("C:\\Users\\Ana\\film.mov") == "film.mov"
    assert clean_file_name("..") == "file"
    long = clean_file_name("a" * 400 + ".mp4")
    assert len(long) == 255 and long.endswith(".mp4")


def test_a_round_name_with_control_characters_is_saved_and_shown_clean_and_one_with_an_override_refused():
    made = jury(entries=2, judges=2, k=1, open_round=False, assign=False)
    client = signed_in(made.organizer)
    form = {"name_en": "Final\x13 round\x0c", "blind": "on", "judges_per_entry": 1, "disagreement_threshold": "2.5",
            "opens_at": "", "closes_at": ""}
    refused = client.post(f"/en/judging/manage/{made.contest.slug}/rounds/new/", {**form, "name_en": f"{RLO}dnuor"})
    assert refused.status_code == 400 and OVERRIDE_MESSAGE in refused.content.decode()
    client.post(f"/en/judging/manage/{made.contest.slug}/rounds/new/", form)
    final = Round.objects.get(contest=made.contest, name="Final round")
    page = client.get(f"/en/judging/manage/rounds/{final.pk}/").content.decode()
    assert "<bdi>Final round</bdi>" in page and not has_controls(page)


def test_an_essay_and_a_title_with_control_characters_are_stored_clean_and_the_entries_csv_is_clean():
    contest = essay_contest()
    person = registered(contest)
    client = signed_in(person)
    url = f"/en/contests/{contest.slug}/entries/new/"
    refused = client.post(url, answers(contest, title=f"My {RLO}fdp.exe"))
    assert refused.status_code == 400 and OVERRIDE_MESSAGE in refused.content.decode()
    essay = "Bombs\x07 fall\x1b[31m\r\nOn the\x00 fields" + RLO
    client.post(url, answers(contest, title="The\x0b fields\x1f", essay_text=essay))
    entry = Entry.objects.get(contest=contest)
    assert entry.title == "The fields"
    assert entry.essay_text == "Bombs fall[31m\nOn the fields"
    page = client.get(f"/en/entries/{entry.reference}/").content.decode()
    assert '<h1><bdi>The fields</bdi></h1>' in page and not has_controls(page)


def test_a_citation_with_control_characters_is_clean_on_the_page_and_in_the_awards_csv():
    made = judged_contest(steps=["normalised_mean", "raw_mean"])
    client = signed_in(made.organizer)
    slug = made.contest.slug
    client.post(reverse("results:give_award", args=[slug]), {
        "kind": "winner", "entry": made.entries[0].reference, "scope": "",
        "citation_en": f"Clear,\x1b brave{RLO} and\r\nwell\x00 made.",
    })
    award = Award.objects.get()
    assert award.citation_en == "Clear, brave and\nwell made."
    exported = b"".join(
        part if isinstance(part, bytes) else part.encode()
        for part in client.get(reverse("results:export_awards", args=[slug])).streaming_content
    ).decode()
    assert "Clear, brave and\nwell made." in exported and not has_controls(exported)
    page = client.get(reverse("results:manage", args=[slug])).content.decode()
    assert not has_controls(page)


def _video_entry():
    contest = ContestFactory()
    ThemeFactory(contest=contest)
    CategoryFactory(contest=contest, media_kind=MediaKind.ESSAY, allowed_formats=["pdf"])
    person = registered(contest)
    from submissions import services

    entry = services.create_entry(
        contest=contest, entrant=person,
        data={"theme": contest.themes.get(), "category": contest.categories.get(), "title": "Fields"},
        declarations=set(), now=timezone.now(),
    )
    return person, entry


def _start(client, entry, filename: str, length: int):
    return client.post("/en/uploads/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(length),
                                                 "Upload-Metadata": metadata(entry=entry.reference,
                                                                             filename=filename)})


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("es\x00say.pdf", "essay.pdf"),
        ("\x1b[2Jessay.pdf", "[2Jessay.pdf"),
        ("my\r\nessay.pdf", "my essay.pdf"),
        ("../../../etc/essay.pdf", "essay.pdf"),
        ("..\\..\\essay.pdf", "essay.pdf"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_an_upload_name_is_stored_and_shown_clean(sent, stored):
    person, entry = _video_entry()
    client = signed_in(person)
    data = pdf_bytes(2048)
    answer = _start(client, entry, sent, len(data))
    assert answer.status_code == 201, answer.content
    upload = Upload.objects.get(entry=entry)
    assert upload.filename == stored
    uploads.append(upload=upload, offset=0, read=io.BytesIO(data).read, length=len(data), checksum=None,
                   now=timezone.now(), by=person)
    asset = MediaAsset.objects.get(entry=entry)
    assert asset.original_name == stored
    page = client.get(f"/en/entries/{entry.reference}/").content.decode()
    assert f'<bdi class="file-name">{stored}</bdi>' in page and not has_controls(page)


def test_an_upload_name_that_hides_its_type_behind_an_override_is_refused():
    person, entry = _video_entry()
    answer = _start(signed_in(person), entry, f"{RLO}fdp.exe", 2048)
    assert answer.status_code == 400
    assert OVERRIDE_MESSAGE in answer.content.decode()
    assert not Upload.objects.exists()


def test_an_absurd_upload_length_is_told_as_the_limit_not_as_the_size():
    person, entry = _video_entry()
    entry.category.max_size_bytes = 50 * 1024 * 1024
    entry.category.save()
    answer = _start(signed_in(person), entry, "essay.pdf", 10**31)
    text = answer.content.decode()
    assert answer.status_code == 413
    assert "larger than 50" in text and "MB" in text and "GB" not in text
    assert not Upload.objects.exists()


def test_the_data_migration_cleans_what_was_stored_before_and_leaves_the_audit_log_alone():
    from importlib import import_module

    from django.apps import apps

    from contest.models import AuditEvent

    made = jury(entries=1, judges=1, k=1, open_round=False, assign=False)
    Round.objects.filter(pk=made.round.pk).update(name="Jury\x13 round\x0c")
    Entry.objects.filter(pk=made.entries[0].pk).update(title=f"{RLO}gpj.exe", essay_text="one\r\ntwo\x1b")
    events = list(AuditEvent.objects.values_list("pk", "hash", "actor_label"))
    import_module("results.migrations.0003_clean_stored_text").clean_text(apps, None)
    made.round.refresh_from_db()
    entry = Entry.objects.get(pk=made.entries[0].pk)
    assert made.round.name == "Jury round"
    assert (entry.title, entry.essay_text) == ("gpj.exe", "one\ntwo")
    assert list(AuditEvent.objects.values_list("pk", "hash", "actor_label")) == events
