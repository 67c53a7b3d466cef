"""Release forms and caption files: added from the entry page, kept private, seen by the entrant and organizers only."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts import services as account_services
from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import SLUG, seed_demo
from submissions import attachments, services
from submissions.enums import AttachmentKind
from submissions.models import Attachment, Entry

pytestmark = pytest.mark.django_db

AMIRA = "entrant1@voices.example"
SRT = (
    b"1\n00:00:01,000 --> 00:00:03,500\nMy grandmother's fields.\n\n"
    b"2\n00:00:04,000 --> 00:00:06,000\n<b>Thirty</b> years <script>alert(1)</script>later.\n"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def demo() -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture
def amira(client, demo):
    user = User.objects.get(email=AMIRA)
    client.force_login(user)
    return user


def new_entry(contest: Contest, *, kind: str = MediaKind.VIDEO) -> Entry:
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=AMIRA),
        data={"theme": contest.themes.first(), "category": contest.categories.get(media_kind=kind), "title": "Fields"},
        declarations=set(),
        now=timezone.now(),
    )


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (46.0, 12.0, 0.0), 3: "E", 4: (6.0, 8.0, 0.0)}  # GPS position
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def add(client, entry: Entry, kind: str, name: str, data: bytes, **fields):
    url = reverse("submissions:attachment_add", args=[entry.reference, kind])
    prefix = "captions" if kind == "captions" else "release"
    fields = {f"{prefix}-{field}": value for field, value in fields.items()}
    return client.post(url, {f"{prefix}-file": SimpleUploadedFile(name, data), **fields})


def stored(attachment: Attachment) -> bytes:
    with storages["private"].open(attachment.file.name, "rb") as handle:
        return handle.read()


def test_a_signed_form_in_pdf_is_kept_privately_and_listed_on_the_entry_page(client, demo, amira):
    entry = new_entry(demo)
    answer = add(client, entry, "release-form", "consent-leila.pdf", PDF)
    assert answer.status_code == 302

    kept = entry.attachments.get()
    assert (kept.kind, kept.original_name, kept.size) == (AttachmentKind.RELEASE_FORM, "consent-leila.pdf", len(PDF))
    assert stored(kept) == PDF
    assert not storages["public"].exists(kept.file.name)
    page = client.get(reverse("submissions:detail", args=[entry.reference])).content.decode()
    assert "consent-leila.pdf" in page and "The file is added to your entry." in page


def test_a_photographed_form_loses_its_camera_and_gps_metadata(client, demo, amira):
    entry = new_entry(demo)
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the test's photo does carry them
    assert add(client, entry, "release-form", "form.jpg", original).status_code == 302

    kept = Image.open(io.BytesIO(stored(entry.attachments.get())))
    assert kept.format == "JPEG" and kept.size == (64, 48)
    assert not kept.getexif() and "exif" not in kept.info


def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(client, demo, amira):
    entry = new_entry(demo)
    answer = add(client, entry, "release-form", "form.pdf", b"MZ\x90\x00 this is a Windows program")
    assert answer.status_code == 400
    assert "must be a PDF, JPG or PNG file" in answer.content.decode()
    assert not entry.attachments.exists()


def test_a_request_larger_than_any_attachment_is_refused_before_it_is_read(client, demo, amira):
    entry = new_entry(demo)
    url = reverse("submissions:attachment_add", args=[entry.reference, "release-form"])
    # The declared length alone decides: the body is never parsed (it is not even multipart here).
    answer = client.generic(
        "POST",
        url,
        b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(attachments.largest_body() + 1),
    )
    assert answer.status_code == 413
    assert "at most 10" in answer.content.decode()
    assert not entry.attachments.exists()


def test_a_form_a_little_over_the_limit_is_refused_with_the_limit(client, demo, amira):
    entry = new_entry(demo)
    answer = add(client, entry, "release-form", "big.pdf", PDF + b"0" * attachments.RELEASE_FORM_MAX_BYTES)
    assert answer.status_code in (400, 413)
    assert "10" in answer.content.decode() and not entry.attachments.exists()


def test_captions_in_srt_are_stored_as_clean_webvtt_and_replace_those_in_the_same_language(
    client, demo, amira, django_capture_on_commit_callbacks
):
    entry = new_entry(demo)
    assert add(client, entry, "captions", "fields.srt", SRT, language="fr").status_code == 302
    first = entry.attachments.get(kind=AttachmentKind.CAPTION)
    text = stored(first).decode()
    assert text.startswith("WEBVTT")
    assert "00:00:01.000 --> 00:00:03.500" in text and "<b>Thirty</b>" in text
    assert "<script>" not in text

    with django_capture_on_commit_callbacks(execute=True):
        assert add(client, entry, "captions", "fields-v2.srt", SRT, language="fr").status_code == 302
    assert add(client, entry, "captions", "fields.srt", SRT, language="ar").status_code == 302
    assert sorted(entry.attachments.values_list("language", flat=True)) == ["ar", "fr"]
    assert entry.attachments.get(language="fr").original_name == "fields-v2.srt"
    assert not storages["private"].exists(first.file.name)


def test_a_broken_caption_file_is_refused_naming_the_line(client, demo, amira):
    entry = new_entry(demo)
    broken = b"1\n00:00:01,000 --> 00:00:03,500\nHello\n\n2\n00:00:04,000 -> 00:00:02\nBye\n"
    answer = add(client, entry, "captions", "bad.srt", broken, language="en")
    assert answer.status_code == 400
    assert "line" in answer.content.decode().lower()
    assert not entry.attachments.exists()


def test_captions_go_with_video_entries_only(client, demo, amira):
    entry = new_entry(demo, kind=MediaKind.PHOTO)
    answer = add(client, entry, "captions", "fields.srt", SRT, language="en")
    assert answer.status_code == 400 and "videos only" in answer.content.decode()


def test_only_the_entrant_and_the_organizers_can_download_a_release_form(client, demo, amira):
    entry = new_entry(demo)
    add(client, entry, "release-form", "consent.pdf", PDF)
    url = reverse("submissions:attachment_download", args=[entry.reference, entry.attachments.get().pk])

    mine = client.get(url)
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == PDF
    assert mine["Content-Disposition"].startswith("attachment;")
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in mine["Content-Security-Policy"]
    assert mine["Content-Type"] == "application/octet-stream"

    client.force_login(User.objects.get(email="organizer@voices.example"))
    assert client.get(url).status_code == 200
    for stranger in ("entrant2@voices.example", "judge1@voices.example"):
        client.force_login(User.objects.get(email=stranger))
        assert client.get(url).status_code == 404, stranger


def test_files_can_be_removed_from_a_draft_and_not_added_after_the_deadline_or_to_a_submitted_entry(
    client, demo, amira, django_capture_on_commit_callbacks
):
    entry = new_entry(demo)
    add(client, entry, "release-form", "consent.pdf", PDF)
    kept = entry.attachments.get()
    remove = reverse("submissions:attachment_remove", args=[entry.reference, kept.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove).status_code == 302
    assert not entry.attachments.exists() and not storages["private"].exists(kept.file.name)

    Entry.objects.filter(pk=entry.pk).update(status="submitted")
    answer = add(client, entry, "release-form", "consent.pdf", PDF)
    assert answer.status_code == 400 and "Only a draft can be changed" in answer.content.decode()

    Entry.objects.filter(pk=entry.pk).update(status="draft")
    Contest.objects.filter(pk=demo.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    answer = add(client, entry, "release-form", "consent.pdf", PDF)
    assert answer.status_code == 400 and "deadline has passed" in answer.content.decode()
    assert not entry.attachments.exists()


def test_a_stranger_cannot_add_to_or_remove_from_someone_elses_entry(client, demo, amira):
    entry = new_entry(demo)
    add(client, entry, "release-form", "consent.pdf", PDF)
    client.force_login(User.objects.get(email="entrant2@voices.example"))
    assert add(client, entry, "release-form", "x.pdf", PDF).status_code == 404
    remove = reverse("submissions:attachment_remove", args=[entry.reference, entry.attachments.get().pk])
    assert client.post(remove).status_code == 404
    assert entry.attachments.count() == 1


def test_release_forms_are_in_the_persons_data_download_and_go_with_their_account(
    client, demo, amira, django_capture_on_commit_callbacks
):
    entry = new_entry(demo)
    add(client, entry, "release-form", "consent.pdf", PDF)
    add(client, entry, "captions", "fields.srt", SRT, language="en")
    forms = list(entry.attachments.all())

    archive = io.BytesIO()
    account_services.export_personal_data(user=amira, into=archive)
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        release = next(n for n in names if "release-form" in n)
        assert zipped.read(release) == PDF
        assert any(n.endswith("captions-en.vtt") for n in names)
        assert b"consent.pdf" in zipped.read("submissions/data.json")

    with django_capture_on_commit_callbacks(execute=True):
        account_services.delete_account(user=amira, now=timezone.now())
    assert not Attachment.objects.exists()
    for attachment in forms:
        assert not storages["private"].exists(attachment.file.name)
