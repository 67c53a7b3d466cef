"""Resumable uploads over real HTTP against the live server: tuspy and hand-made tus requests, as browsers send them."""

import io
import math
import socket
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache
from django.core.files.storage import storages
from django.utils import timezone
from tusclient.client import TusClient

from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import DEMO_PASSWORD, SLUG, seed_demo
from submissions import services, uploads
from submissions.enums import Declaration, EntryStatus, UploadStatus
from submissions.models import Entry, MediaAsset, Upload
from tests.conftest import wait_until
from tests.uploading import (
    TIMEOUT,
    cookie_header,
    make_mp4,
    make_sample,
    pdf_bytes,
    png_bytes,
    send,
    server_offset,
    sha1_header,
    sha256,
    sign_in,
    start,
    tus_headers,
)

pytestmark = pytest.mark.django_db(transaction=True)

AMIRA = "entrant1@voices.example"
MATEO = "entrant2@voices.example"
NOTES = "A walk through the fields my grandmother could not farm for thirty years."


# --- The contest, the people and their entries --------------------------------
@pytest.fixture
def demo(transactional_db) -> Contest:
    cache.clear()  # Each test signs in afresh: allauth's per-minute sign-in limit must not carry over.
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture
def amira(live_server, demo):
    return sign_in(live_server.url, AMIRA, DEMO_PASSWORD)


@pytest.fixture
def mateo(live_server, demo):
    return sign_in(live_server.url, MATEO, DEMO_PASSWORD)


@pytest.fixture(scope="module")
def film(tmp_path_factory) -> bytes:
    """A real two-second MP4 of about 750 KB."""
    return make_mp4(tmp_path_factory.mktemp("media") / "film.mp4", seconds=2).read_bytes()


def new_entry(contest: Contest, email: str = AMIRA, *, kind: str = MediaKind.VIDEO, declarations=(), **data) -> Entry:
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=email),
        data={
            "theme": contest.themes.first(),
            "category": contest.categories.get(media_kind=kind),
            "title": "The fields of Ban Naxay",
            **data,
        },
        declarations=set(declarations),
        now=timezone.now(),
    )


def current_file(entry: Entry) -> MediaAsset | None:
    return entry.assets.filter(replaced_at__isnull=True).first()


def stored_bytes(name: str) -> bytes:
    with storages["private"].open(name, "rb") as handle:
        return handle.read()


def tus_client(base_url: str, session: requests.Session) -> TusClient:
    return TusClient(
        f"{base_url}/en/uploads/",
        headers={"Cookie": cookie_header(session), "X-CSRFToken": session.cookies["csrftoken"]},
    )


def started(session, base_url: str, entry: Entry, data: bytes, filename: str = "film.mp4") -> tuple[str, Upload]:
    answer = start(session, base_url, entry=entry.reference, length=len(data), filename=filename, filetype="video/mp4")
    assert answer.status_code == 201, answer.text
    assert answer.headers["Upload-Offset"] == "0"
    url = answer.headers["Location"]
    return url, Upload.objects.get(pk=url.rsplit("/", 1)[1])


def drop_connection_midway(session, url: str, *, offset: int, declared: int, body: bytes) -> None:
    """A PATCH that promises `declared` bytes, sends `body`, and then loses its connection."""
    parts = urlsplit(url)
    head = (
        f"PATCH {parts.path} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n"
        "Tus-Resumable: 1.0.0\r\n"
        f"Upload-Offset: {offset}\r\n"
        "Content-Type: application/offset+octet-stream\r\n"
        f"Content-Length: {declared}\r\n"
        f"X-CSRFToken: {session.cookies['csrftoken']}\r\n"
        f"Cookie: {cookie_header(session)}\r\n"
        "\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(head.encode() + body)


# --- A whole upload ------------------------------------------------------------
def test_a_stock_tus_client_sends_a_film_in_three_chunks_and_it_becomes_the_entrys_file(
    live_server, demo, amira, film, tmp_path
):
    entry = new_entry(demo)
    path = tmp_path / "ban-naxay.mp4"
    path.write_bytes(film)
    uploader = tus_client(live_server.url, amira).uploader(
        file_path=str(path),
        chunk_size=math.ceil(len(film) / 3),
        metadata={"entry": entry.reference, "filename": "ban-naxay.mp4", "filetype": "video/mp4"},
    )
    offsets = []
    while uploader.offset < len(film):
        uploader.upload_chunk()
        offsets.append(uploader.offset)

    assert len(offsets) == 3 and offsets[-1] == len(film)
    upload = Upload.objects.get(entry=entry)
    assert upload.status == UploadStatus.COMPLETE and upload.offset == len(film)
    asset = current_file(entry)
    assert asset.sha256 == sha256(film)
    assert (asset.size, asset.file_format, asset.original_name) == (len(film), "mp4", "ban-naxay.mp4")
    # Stored under a key that names neither the entry nor the file sent.
    assert asset.file.name.startswith("originals/")
    assert entry.reference not in asset.file.name and "ban-naxay" not in asset.file.name
    assert stored_bytes(asset.file.name) == film
    assert not uploads.temp_path(upload).exists()


def test_a_dropped_connection_keeps_what_arrived_and_a_new_client_finishes(live_server, demo, amira, film, tmp_path):
    entry = new_entry(demo)
    url, upload = started(amira, live_server.url, entry, film)
    half = len(film) // 2
    assert send(amira, url, offset=0, data=film[:half]).status_code == 204

    rest = film[half:]
    arrived = len(rest) // 3
    drop_connection_midway(amira, url, offset=half, declared=len(rest), body=rest[:arrived])

    offset = wait_until(
        lambda: (have := server_offset(amira, url)) is not None and have > half and have,
        timeout=15,
        message="the server to keep the bytes of the dropped PATCH",
    )
    assert half <= offset <= half + arrived
    assert uploads.temp_path(upload).read_bytes() == film[:offset]

    # Another client, knowing only the address, asks where to resume and sends the rest.
    path = tmp_path / "film.mp4"
    path.write_bytes(film)
    resumed = tus_client(live_server.url, amira).uploader(file_path=str(path), url=url, chunk_size=len(film))
    assert resumed.offset == offset
    resumed.upload()

    assert current_file(entry).sha256 == sha256(film)
    assert stored_bytes(current_file(entry).file.name) == film
    assert Upload.objects.filter(entry=entry).count() == 1


def test_a_wrong_offset_is_refused_and_told_where_to_resume(live_server, demo, amira, film):
    entry = new_entry(demo)
    url, upload = started(amira, live_server.url, entry, film)
    assert send(amira, url, offset=0, data=film[:1000]).status_code == 204

    for wrong in (0, 5000):
        answer = send(amira, url, offset=wrong, data=film[wrong : wrong + 1000])
        assert answer.status_code == 409
        assert answer.headers["Upload-Offset"] == "1000"
        assert "1000" in answer.text and "resume" in answer.text

    assert server_offset(amira, url) == 1000
    assert uploads.temp_path(upload).read_bytes() == film[:1000]


def test_a_file_over_the_category_limit_is_refused_before_any_byte(live_server, demo, amira):
    entry = new_entry(demo)
    gigabyte = 1024**3

    answer = start(amira, live_server.url, entry=entry.reference, length=gigabyte + 1, filename="long-cut.mp4")

    assert answer.status_code == 413
    assert "1 GB" in answer.text and "Short video" in answer.text
    assert not Upload.objects.exists()
    # The limit itself is allowed.
    at_limit = start(amira, live_server.url, entry=entry.reference, length=gigabyte, filename="cut.mp4")
    assert at_limit.status_code == 201
    amira.delete(at_limit.headers["Location"], headers=tus_headers(amira), timeout=TIMEOUT)


def test_a_pdf_named_mp4_is_refused_naming_the_formats_the_category_takes(live_server, demo, amira):
    entry = new_entry(demo)
    pdf = pdf_bytes(300_000)
    url, upload = started(amira, live_server.url, entry, pdf, filename="my-film.mp4")

    assert send(amira, url, offset=0, data=pdf[:150_000]).status_code == 204
    last = send(amira, url, offset=150_000, data=pdf[150_000:])

    assert last.status_code == 415
    assert "MP4, MOV, WEBM" in last.text
    assert not entry.assets.exists()
    assert not uploads.temp_path(upload).exists()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and "MP4, MOV, WEBM" in upload.failure
    assert amira.head(url, headers=tus_headers(amira), timeout=TIMEOUT).status_code == 410


def finished_through_http(session, base_url: str, entry: Entry, data: bytes, filename: str) -> requests.Response:
    url, _upload = started(session, base_url, entry, data, filename=filename)
    return send(session, url, offset=0, data=data)


@pytest.mark.parametrize(
    ("sample", "kind", "recorded_as"),
    [
        ("clip.mov", MediaKind.VIDEO, "mov"),
        ("clip.webm", MediaKind.VIDEO, "webm"),
        ("photo.jpg", MediaKind.PHOTO, "jpg"),
        ("photo.webp", MediaKind.PHOTO, "webp"),
        ("song.mp3", MediaKind.AUDIO, "mp3"),
        ("song.wav", MediaKind.AUDIO, "wav"),
        pytest.param(
            "song-without-tags.mp3",
            MediaKind.AUDIO,
            "mp3",
        ),
    ],
)
def test_each_format_a_category_takes_is_recognised_by_its_bytes(
    live_server, demo, amira, tmp_path_factory, sample, kind, recorded_as
):
    data = make_sample(tmp_path_factory.getbasetemp(), sample)
    entry = new_entry(demo, kind=kind)

    answer = finished_through_http(amira, live_server.url, entry, data, filename=sample)

    assert answer.status_code == 204, answer.text
    asset = current_file(entry)
    assert asset.file_format == recorded_as and asset.file.name.endswith(f".{recorded_as}")
    assert stored_bytes(asset.file.name) == data


@pytest.mark.parametrize(
    ("sample", "kind", "formats"),
    [
        pytest.param("song.wav", MediaKind.PHOTO, "JPG, JPEG, PNG, WEBP"),
        pytest.param("photo.webp", MediaKind.AUDIO, "MP3, M4A, WAV, OGG"),
        ("clip.webm", MediaKind.PHOTO, "JPG, JPEG, PNG, WEBP"),
    ],
)
def test_a_file_of_another_kind_is_refused_whatever_its_name(
    live_server, demo, amira, tmp_path_factory, sample, kind, formats
):
    data = make_sample(tmp_path_factory.getbasetemp(), sample)
    entry = new_entry(demo, kind=kind)
    disguised = "fields." + formats.split(",")[0].lower()

    answer = finished_through_http(amira, live_server.url, entry, data, filename=disguised)

    assert answer.status_code == 415
    assert formats in answer.text
    assert not entry.assets.exists()


# --- Who may touch an upload ------------------------------------------------------
def test_a_stranger_cannot_see_extend_or_end_someone_elses_upload(live_server, demo, amira, mateo, film):
    entry = new_entry(demo)
    url, upload = started(amira, live_server.url, entry, film)
    half = len(film) // 2
    assert send(amira, url, offset=0, data=film[:half]).status_code == 204

    assert mateo.head(url, headers=tus_headers(mateo), timeout=TIMEOUT).status_code == 404
    assert send(mateo, url, offset=half, data=film[half:]).status_code == 404
    assert mateo.delete(url, headers=tus_headers(mateo), timeout=TIMEOUT).status_code == 404
    # Nor can they start one for her entry.
    assert start(mateo, live_server.url, entry=entry.reference, length=10, filename="x.mp4").status_code == 404

    assert uploads.temp_path(upload).read_bytes() == film[:half]
    upload.refresh_from_db()
    assert (upload.status, upload.offset) == (UploadStatus.RECEIVING, half)
    assert server_offset(amira, url) == half
    assert not entry.assets.exists()


def test_without_a_session_the_upload_asks_to_sign_in(live_server, demo, amira, film):
    entry = new_entry(demo)
    url, upload = started(amira, live_server.url, entry, film)

    # A browser whose session ended still has its CSRF cookie.
    signed_out = requests.Session()
    signed_out.get(f"{live_server.url}/en/accounts/login/", timeout=TIMEOUT)
    answer = start(signed_out, live_server.url, entry=entry.reference, length=len(film), filename="film.mp4")
    assert answer.status_code == 403
    assert "Sign in" in answer.text
    answer = send(signed_out, url, offset=0, data=film[:1000])
    assert answer.status_code == 403 and "Sign in" in answer.text

    # A bare client without any cookie is refused too, never with a server error.
    bare = requests.post(
        f"{live_server.url}/en/uploads/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10"}, timeout=TIMEOUT
    )
    assert bare.status_code == 403

    assert Upload.objects.count() == 1
    assert uploads.temp_path(upload).read_bytes() == b""


def test_two_entrants_upload_at_the_same_time(live_server, demo, amira, mateo):
    files = {AMIRA: png_bytes(3 * 1024 * 1024), MATEO: png_bytes(3 * 1024 * 1024)}
    entries = {email: new_entry(demo, email, kind=MediaKind.PHOTO) for email in files}
    sessions = {AMIRA: amira, MATEO: mateo}
    together = threading.Barrier(2)
    problems = []

    def upload(email: str) -> None:
        try:
            uploader = tus_client(live_server.url, sessions[email]).uploader(
                file_stream=io.BytesIO(files[email]),
                chunk_size=256 * 1024,
                metadata={"entry": entries[email].reference, "filename": "photo.png", "filetype": "image/png"},
            )
            together.wait(timeout=10)
            uploader.upload()
        except Exception as problem:  # noqa: BLE001 - reported to the test thread below
            problems.append((email, repr(problem)))

    threads = [threading.Thread(target=upload, args=(email,)) for email in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not problems
    for email, data in files.items():
        asset = current_file(entries[email])
        assert asset is not None, f"{email}'s entry has no file"
        assert asset.sha256 == sha256(data)
        assert stored_bytes(asset.file.name) == data


# --- Checksums, giving up, replacing, expiring ------------------------------------
def test_a_damaged_part_is_refused_and_can_be_sent_again(live_server, demo, amira, film):
    entry = new_entry(demo)
    url, upload = started(amira, live_server.url, entry, film)
    part = film[:100_000]

    damaged = send(amira, url, offset=0, data=part, **{"Upload-Checksum": sha1_header(part[:-1] + b"\x00")})
    assert damaged.status_code == 460
    assert damaged.headers["Upload-Offset"] == "0"
    assert server_offset(amira, url) == 0
    assert uploads.temp_path(upload).read_bytes() == b""

    again = send(amira, url, offset=0, data=part, **{"Upload-Checksum": sha1_header(part)})
    assert again.status_code == 204 and again.headers["Upload-Offset"] == "100000"
    assert send(amira, url, offset=100_000, data=film[100_000:]).status_code == 204
    assert current_file(entry).sha256 == sha256(film)


def test_giving_up_removes_the_bytes(live_server, demo, amira, film):
    entry = new_entry(demo)
    url, upload = started(amira, live_server.url, entry, film)
    assert send(amira, url, offset=0, data=film[:1000]).status_code == 204

    assert amira.delete(url, headers=tus_headers(amira), timeout=TIMEOUT).status_code == 204

    assert not uploads.temp_path(upload).exists()
    assert amira.head(url, headers=tus_headers(amira), timeout=TIMEOUT).status_code in (404, 410)
    assert send(amira, url, offset=1000, data=film[1000:]).status_code in (404, 410)
    assert not entry.assets.exists()


def test_a_replacement_keeps_the_old_file_until_the_new_one_is_complete(live_server, demo, amira, film, tmp_path):
    entry = new_entry(demo)
    first = film
    second = make_mp4(tmp_path / "second.mp4", seconds=1, pattern="testsrc2").read_bytes()
    url, _upload = started(amira, live_server.url, entry, first)
    assert send(amira, url, offset=0, data=first).status_code == 204
    old = current_file(entry)

    url, _upload = started(amira, live_server.url, entry, second, filename="second-cut.mp4")
    half = len(second) // 2
    assert send(amira, url, offset=0, data=second[:half]).status_code == 204
    assert current_file(entry) == old
    assert stored_bytes(old.file.name) == first

    assert send(amira, url, offset=half, data=second[half:]).status_code == 204
    new = current_file(entry)
    assert new != old and new.sha256 == sha256(second) and new.original_name == "second-cut.mp4"
    assert stored_bytes(new.file.name) == second
    name = old.file.name
    old.refresh_from_db()
    assert old.replaced_at is not None
    assert not storages["private"].exists(name) and old.file.name == ""  # the row keeps its history, no file


def test_an_idle_upload_expires_after_a_day(live_server, demo, amira, film):
    entry = new_entry(demo)
    url, upload = started(amira, live_server.url, entry, film)
    half = len(film) // 2
    assert send(amira, url, offset=0, data=film[:half]).status_code == 204

    assert uploads.remove_idle_uploads(now=timezone.now() + timedelta(hours=23)) == 0
    assert uploads.temp_path(upload).exists()

    assert uploads.remove_idle_uploads(now=timezone.now() + timedelta(hours=25)) == 1
    assert not uploads.temp_path(upload).exists()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.EXPIRED
    late = send(amira, url, offset=half, data=film[half:])
    assert late.status_code == 410 and "Start it again" in late.text
    assert not entry.assets.exists()


# --- The deadline and its grace period ------------------------------------------------
def send_part(upload: Upload, data: bytes, *, at: int, now) -> Upload:
    return uploads.append(
        upload=upload, offset=at, read=io.BytesIO(data).read, length=len(data), checksum=None, now=now
    )


def test_an_upload_under_way_at_the_deadline_may_finish_in_the_grace_period_only(live_server, demo, amira, film):
    closes = timezone.now() + timedelta(hours=1)
    Contest.objects.filter(pk=demo.pk).update(closes_at=closes)
    demo.refresh_from_db()
    amira_user = User.objects.get(email=AMIRA)
    photo = new_entry(demo, kind=MediaKind.PHOTO, statement=NOTES, declarations=Declaration.values)
    assert services.still_to_do(photo) == ["Upload your file (photography)."]
    image = png_bytes(400_000)

    upload = uploads.start_upload(
        entry=photo,
        owner=amira_user,
        length=len(image),
        filename="ban-naxay.png",
        declared_type="image/png",
        now=closes - timedelta(minutes=10),
    )
    send_part(upload, image[:200_000], at=0, now=closes - timedelta(minutes=5))
    send_part(upload, image[200_000:], at=200_000, now=closes + timedelta(hours=1))
    assert current_file(photo).sha256 == sha256(image)
    submitted = services.submit_entry(entry=photo, now=closes + timedelta(hours=1))
    assert submitted.status == EntryStatus.SUBMITTED

    # Three hours after the deadline the grace period (two hours) is over.
    film_entry = new_entry(demo, title="A second film")
    late = uploads.start_upload(
        entry=film_entry,
        owner=amira_user,
        length=len(film),
        filename="film.mp4",
        declared_type="video/mp4",
        now=closes - timedelta(minutes=10),
    )
    half = len(film) // 2
    send_part(late, film[:half], at=0, now=closes - timedelta(minutes=5))
    with pytest.raises(uploads.Closed):
        send_part(late, film[half:], at=half, now=closes + timedelta(hours=3))
    assert not film_entry.assets.exists()
    assert uploads.temp_path(late).read_bytes() == film[:half]

    # No new upload starts after the deadline.
    with pytest.raises(uploads.Closed):
        uploads.start_upload(
            entry=film_entry,
            owner=amira_user,
            length=len(film),
            filename="film.mp4",
            declared_type="video/mp4",
            now=closes + timedelta(minutes=1),
        )

    # Through HTTP, once the deadline really passed three hours ago: both are refused with 403.
    Contest.objects.filter(pk=demo.pk).update(closes_at=timezone.now() - timedelta(hours=3))
    url = f"{live_server.url}/en/uploads/{late.pk}"
    answer = send(amira, url, offset=half, data=film[half:])
    assert answer.status_code == 403 and "deadline" in answer.text
    answer = start(amira, live_server.url, entry=film_entry.reference, length=len(film), filename="film.mp4")
    assert answer.status_code == 403 and "deadline" in answer.text
    assert Upload.objects.filter(entry=film_entry).count() == 1
    assert not film_entry.assets.exists()


def test_an_upload_accepted_just_before_the_deadline_may_send_its_bytes(live_server, demo, film):
    # As when the request's `now` was read a moment before the deadline and the row is written a moment after.
    closes = timezone.now() - timedelta(seconds=1)
    entry = new_entry(demo)
    Contest.objects.filter(pk=demo.pk).update(closes_at=closes)
    entry.refresh_from_db()
    upload = uploads.start_upload(
        entry=entry,
        owner=entry.entrant,
        length=len(film),
        filename="film.mp4",
        declared_type="video/mp4",
        now=closes - timedelta(milliseconds=5),
    )

    send_part(upload, film, at=0, now=closes + timedelta(minutes=1))

    assert current_file(entry).sha256 == sha256(film)


def test_a_submitted_entry_keeps_the_file_it_was_submitted_with(live_server, demo, amira, film, tmp_path):
    entry = new_entry(demo, statement=NOTES, declarations=Declaration.values)
    url, _upload = started(amira, live_server.url, entry, film)
    assert send(amira, url, offset=0, data=film).status_code == 204
    submitted_file = current_file(entry)
    replacement = make_mp4(tmp_path / "other.mp4", seconds=1, pattern="testsrc2").read_bytes()
    url, _upload = started(amira, live_server.url, entry, replacement, filename="other.mp4")
    half = len(replacement) // 2
    assert send(amira, url, offset=0, data=replacement[:half]).status_code == 204

    services.submit_entry(entry=entry, now=timezone.now())
    # The upload from the other window carries on after the entry was submitted.
    answer = send(amira, url, offset=half, data=replacement[half:])

    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert answer.status_code in (403, 409, 410)
    assert current_file(entry) == submitted_file
    assert stored_bytes(submitted_file.file.name) == film


# --- Downloading the original ------------------------------------------------------
def test_the_original_downloads_as_a_sandboxed_attachment_for_its_owner_only(live_server, demo, amira, mateo, film):
    entry = new_entry(demo)
    url, _upload = started(amira, live_server.url, entry, film)
    assert send(amira, url, offset=0, data=film).status_code == 204
    asset = current_file(entry)
    link = f"{live_server.url}/en/entries/{entry.reference}/files/{asset.pk}/"

    answer = amira.get(link, timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.content == film
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{entry.reference}.mp4"'
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    assert "private" in answer.headers["Cache-Control"]

    assert mateo.get(link, timeout=TIMEOUT).status_code == 404
    anonymous = requests.get(link, timeout=TIMEOUT, allow_redirects=False)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.headers["Location"]


def test_the_link_to_a_replaced_file_says_not_found(live_server, demo, amira, film, tmp_path):
    entry = new_entry(demo)
    url, _upload = started(amira, live_server.url, entry, film)
    assert send(amira, url, offset=0, data=film).status_code == 204
    old = current_file(entry)
    old_link = f"{live_server.url}/en/entries/{entry.reference}/files/{old.pk}/"
    replacement = make_mp4(tmp_path / "other.mp4", seconds=1, pattern="testsrc2").read_bytes()
    url, _upload = started(amira, live_server.url, entry, replacement)
    assert send(amira, url, offset=0, data=replacement).status_code == 204

    # A page opened before the replacement still shows the old link.
    assert amira.get(old_link, timeout=TIMEOUT).status_code in (404, 410)
