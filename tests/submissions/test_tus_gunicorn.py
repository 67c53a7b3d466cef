"""Uploads through gunicorn itself, where a PATCH body is read straight from the socket (submissions/tus.py)."""

import signal
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import DEMO_PASSWORD, SLUG, seed_demo
from submissions import services, uploads
from submissions.models import Upload
from tests.conftest import ROOT, database_url_for_subprocess, free_port, subprocess_env, wait_until
from tests.uploading import cookie_header, make_mp4, send, server_offset, sha256, sign_in, start

pytestmark = pytest.mark.django_db(transaction=True)

AMIRA = "entrant1@voices.example"


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, django_db_blocker):
    """The site served by gunicorn with the project's config, on the test database: one worker, four threads."""
    port = free_port()
    with django_db_blocker.unblock():
        env = subprocess_env(DATABASE_URL=database_url_for_subprocess(), VOICES_PORT=str(port), WEB_CONCURRENCY="1")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.py",
            "--access-logfile",
            "/dev/null",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{base}/en/accounts/login/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(lambda: server.poll() is not None or answers(), timeout=60, message="gunicorn to answer")
        assert server.poll() is None, "gunicorn exited"
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture
def demo(transactional_db) -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture(scope="module")
def film(tmp_path_factory) -> bytes:
    return make_mp4(tmp_path_factory.mktemp("media") / "film.mp4", seconds=2).read_bytes()


def new_upload(demo: Contest, session, base: str, data: bytes) -> tuple[str, Upload]:
    entry = services.create_entry(
        contest=demo,
        entrant=User.objects.get(email=AMIRA),
        data={
            "theme": demo.themes.first(),
            "category": demo.categories.get(media_kind=MediaKind.VIDEO),
            "title": "The fields of Ban Naxay",
        },
        declarations=set(),
        now=timezone.now(),
    )
    answer = start(session, base, entry=entry.reference, length=len(data), filename="film.mp4")
    assert answer.status_code == 201, answer.text
    url = answer.headers["Location"]
    return url, Upload.objects.get(pk=url.rsplit("/", 1)[1])


def request_bytes(session, url: str, method: str, *, headers: dict[str, str], body: bytes = b"") -> bytes:
    parts = urlsplit(url)
    lines = [
        f"{method} {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Tus-Resumable: 1.0.0",
        f"X-CSRFToken: {session.cookies['csrftoken']}",
        f"Cookie: {cookie_header(session)}",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_response(stream) -> tuple[int, dict[str, str], bytes]:
    status = int(stream.readline().split()[1])
    headers = {}
    while line := stream.readline().decode().strip():
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, stream.read(int(headers.get("content-length", "0")))


def test_patches_pipelined_behind_each_other_on_one_connection_each_get_their_own_bytes(gunicorn, demo, film):
    """The next request sits behind a body on the same connection: it must neither be written into the file
    nor lost. Each write is sent whole, so gunicorn reads headers, body and the next request at once."""
    amira = sign_in(gunicorn, AMIRA, DEMO_PASSWORD)
    url, upload = new_upload(demo, amira, gunicorn, film)
    # The first body and the HEAD behind it fit in what gunicorn reads with the headers; the second body does not.
    cut = 1000
    patch = {"Content-Type": "application/offset+octet-stream"}
    first = request_bytes(
        amira, url, "PATCH", headers={**patch, "Upload-Offset": "0", "Content-Length": str(cut)}, body=film[:cut]
    )
    head = request_bytes(amira, url, "HEAD", headers={})
    rest = request_bytes(
        amira,
        url,
        "PATCH",
        body=film[cut:],
        headers={**patch, "Upload-Offset": str(cut), "Content-Length": str(len(film) - cut)},
    )
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        stream = connection.makefile("rb")
        connection.sendall(first + head)
        assert read_response(stream)[0] == 204
        status, headers, _body = read_response(stream)
        assert (status, headers["upload-offset"]) == (200, str(cut))
        connection.sendall(rest + head)
        status, headers, _body = read_response(stream)
        assert (status, headers["upload-offset"]) == (204, str(len(film)))
        assert read_response(stream)[0] == 200

    asset = upload.entry.assets.get()
    assert asset.sha256 == sha256(film) and asset.size == len(film)


def test_a_connection_dropped_through_gunicorn_keeps_what_arrived_and_resumes(gunicorn, demo, film):
    amira = sign_in(gunicorn, AMIRA, DEMO_PASSWORD)
    url, upload = new_upload(demo, amira, gunicorn, film)
    arrived = len(film) // 2
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(
            request_bytes(
                amira,
                url,
                "PATCH",
                body=film[:arrived],
                headers={
                    "Content-Type": "application/offset+octet-stream",
                    "Upload-Offset": "0",
                    "Content-Length": str(len(film)),
                },
            )
        )
    offset = wait_until(
        lambda: (have := server_offset(amira, url)) and have,
        timeout=30,
        message="the server to keep the bytes of the dropped PATCH",
    )
    assert 0 < offset <= arrived
    assert uploads.temp_path(upload).read_bytes() == film[:offset]

    # Refused before its body is read, so gunicorn closes that connection after answering.
    wrong = send(amira, url, offset=0, data=film, Connection="close")
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == str(offset)
    assert send(amira, url, offset=offset, data=film[offset:]).status_code == 204
    assert upload.entry.assets.get().sha256 == sha256(film)
