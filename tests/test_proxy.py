"""The production topology on this machine: nginx with deploy/nginx.conf.template in front of gunicorn.

Slow uploads hold nginx's connections, not gunicorn's threads: with three times more phones uploading than gunicorn
has threads, a page is answered while every upload is still on its way. The same uploads sent to gunicorn directly
hold every thread, and the page waits for them: that is why production has the proxy.
"""

import json
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from contest.demo import DEMO_PASSWORD, SLUG, seed_demo
from contest.models import Contest
from submissions import uploads
from submissions.models import Upload
from tests.conftest import database_url_for_subprocess, results_dir, subprocess_env
from tests.serving import gunicorn, nginx
from tests.uploading import cookie_header, send, sha256, sign_in, start_for_new_entry

pytestmark = pytest.mark.django_db(transaction=True)

AMIRA = "entrant1@voices.example"
THREADS = 4  # one gunicorn worker with the project's four threads
SLOW_CLIENTS = 3 * THREADS
SLOW_BODY = 512 * 1024
SLOW_RATE = 64 * 1024  # bytes a second: a phone on a weak signal
PIECE = 8 * 1024


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn (one worker, four threads) and nginx in front of it; yields (nginx's URL, gunicorn's URL)."""
    with django_db_blocker.unblock():
        env = subprocess_env(
            DATABASE_URL=database_url_for_subprocess(), WEB_CONCURRENCY="1", WEB_THREADS=str(THREADS),
            TRUSTED_PROXY_COUNT="1",  # as docker-compose.yml sets it behind its nginx
        )  # fmt: skip
    with gunicorn(env, name="gunicorn-proxy") as node:
        with nginx([node], tmp_path_factory.mktemp("nginx")) as proxy:
            yield proxy, node


@pytest.fixture
def demo(transactional_db) -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    # One entrant stands for many phones here: each slow upload is the file of an entry of its own.
    Contest.objects.filter(slug=SLUG).update(max_entries_per_entrant=None)
    return Contest.objects.get(slug=SLUG)


def new_upload(demo: Contest, session, base: str, length: int) -> str:
    return start_for_new_entry(demo, User.objects.get(email=AMIRA), session, base, length=length)


@dataclass
class SlowUpload:
    """One phone sending one chunk at SLOW_RATE over its own connection."""

    url: str
    cookies: str
    csrf: str
    body: bytes
    sent_headers: threading.Event
    status: int | None = None
    finished_at: float | None = None
    error: str = ""

    def run(self, base: str, stop: threading.Event) -> None:
        target, path = urlsplit(base), urlsplit(self.url).path
        head = (
            f"PATCH {path} HTTP/1.1\r\nHost: {target.netloc}\r\nTus-Resumable: 1.0.0\r\n"
            f"X-CSRFToken: {self.csrf}\r\nCookie: {self.cookies}\r\nUpload-Offset: 0\r\n"
            f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(self.body)}\r\n\r\n"
        )
        try:
            with socket.create_connection((target.hostname, target.port), timeout=120) as connection:
                connection.sendall(head.encode())
                self.sent_headers.set()
                for start_at in range(0, len(self.body), PIECE):
                    if stop.is_set():
                        return
                    connection.sendall(self.body[start_at : start_at + PIECE])
                    time.sleep(PIECE / SLOW_RATE)
                self.status = int(connection.makefile("rb").readline().split()[1])
                self.finished_at = time.monotonic()
        except OSError as error:
            self.error = repr(error)


def rush(demo: Contest, session, base: str, page: str) -> dict:
    """Start SLOW_CLIENTS slow uploads to `base`, then ask for `page` while they are on their way."""
    uploads = [
        SlowUpload(
            # One byte more than the chunk: the upload stays open, so any bytes make a file (finishing would
            # check that they are a video).
            url=new_upload(demo, session, base, SLOW_BODY + 1),
            cookies=cookie_header(session),
            csrf=session.cookies["csrftoken"],
            body=bytes([n]) * SLOW_BODY,
            sent_headers=threading.Event(),
        )
        for n in range(SLOW_CLIENTS)
    ]
    stop = threading.Event()
    threads = [threading.Thread(target=u.run, args=(base, stop), daemon=True) for u in uploads]
    for thread in threads:
        thread.start()
    for upload in uploads:
        assert upload.sent_headers.wait(30), "a slow client could not start"
    time.sleep(1)  # every upload is now sending its body, PIECE by PIECE
    asked = time.monotonic()
    answer = session.get(f"{base}{page}", timeout=120)
    answered = time.monotonic()
    done_before = sum(1 for u in uploads if u.finished_at is not None and u.finished_at < answered)
    return {"uploads": uploads, "threads": threads, "stop": stop, "page": answer, "page_seconds": answered - asked,
            "uploads_done_before_the_page": done_before}  # fmt: skip


def test_pages_are_answered_while_more_slow_uploads_are_under_way_than_gunicorn_has_threads(servers, demo):
    proxy, node = servers
    amira = sign_in(proxy, AMIRA, DEMO_PASSWORD)
    idle = amira.get(f"{proxy}/en/entries/", timeout=30)
    assert idle.status_code == 200

    through_nginx = rush(demo, amira, proxy, "/en/entries/")

    assert through_nginx["page"].status_code == 200
    assert "Fields after the war" in through_nginx["page"].text
    assert through_nginx["uploads_done_before_the_page"] == 0, "the page should not have waited for any upload"
    for thread in through_nginx["threads"]:
        thread.join(timeout=120)
    sent = through_nginx["uploads"]
    assert [(u.status, u.error) for u in sent] == [(204, "")] * SLOW_CLIENTS
    for upload in sent:
        stored = Upload.objects.get(pk=upload.url.rsplit("/", 1)[1])
        assert stored.offset == SLOW_BODY
        assert sha256(uploads.temp_path(stored).read_bytes()) == sha256(upload.body)

    # The same rush straight to gunicorn: its four threads are each held by a slow upload, the page waits.
    direct = rush(demo, amira, node, "/en/entries/")
    direct["stop"].set()
    for thread in direct["threads"]:
        thread.join(timeout=120)
    assert direct["page"].status_code == 200
    assert direct["uploads_done_before_the_page"] >= 1 or direct["page_seconds"] > SLOW_BODY / SLOW_RATE / 2

    figures = {
        "slow_clients": SLOW_CLIENTS, "gunicorn_threads": THREADS, "client_rate_bytes_per_s": SLOW_RATE,
        "chunk_bytes": SLOW_BODY, "page_seconds_idle": idle.elapsed.total_seconds(),
        "page_seconds_during_uploads_through_nginx": round(through_nginx["page_seconds"], 3),
        "page_seconds_during_uploads_straight_to_gunicorn": round(direct["page_seconds"], 3),
        "uploads_done_before_the_page_straight_to_gunicorn": direct["uploads_done_before_the_page"],
    }  # fmt: skip
    (results_dir() / "slow-clients.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


def test_nginx_takes_one_upload_chunk_and_refuses_a_byte_more(servers, demo):
    proxy, _node = servers
    amira = sign_in(proxy, AMIRA, DEMO_PASSWORD)
    chunk = settings.UPLOAD_CHUNK_BYTES
    url = new_upload(demo, amira, proxy, 2 * chunk + 1)

    assert send(amira, url, offset=0, data=b"a" * chunk).status_code == 204
    too_large = send(amira, url, offset=chunk, data=b"b" * (chunk + 1))

    assert too_large.status_code == 413
    upload = Upload.objects.get(pk=url.rsplit("/", 1)[1])
    assert upload.offset == chunk, "nginx must refuse the oversized chunk before gunicorn stores any of it"




class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections from another local address (all of 127.0.0.0/8 is this machine): a visitor nginx tells apart."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def test_through_nginx_sign_in_limits_count_the_address_nginx_saw_not_one_the_visitor_writes(servers, demo):
    """A guesser who writes a new X-Forwarded-For each time is still one address to the limits, and the owner at
    another address is not slowed by them: with TRUSTED_PROXY_COUNT=1 the address is the one nginx appended."""
    proxy, _node = servers
    login = f"{proxy}/en/accounts/login/"

    def attempt(address: str, password: str, claimed: str = "") -> str:
        browser = requests.Session()
        browser.mount("http://", _FromAddress(address))
        browser.get(login, timeout=30).raise_for_status()
        answer = browser.post(
            login,
            data={"login": AMIRA, "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"X-Forwarded-For": claimed} if claimed else {},
            allow_redirects=False,
            timeout=30,
        )
        return "signed in" if answer.status_code == 302 else answer.text

    for n in range(5):
        assert "not correct" in attempt("127.0.0.2", "a-guess", claimed=f"198.51.100.{n}")
    assert "Too many sign-in attempts from this network." in attempt("127.0.0.2", DEMO_PASSWORD, claimed="127.0.0.3")
    assert attempt("127.0.0.3", DEMO_PASSWORD) == "signed in"
