"""The virus scan, against a real clamd started here with a signature of our own.

ClamAV's signature database cannot be downloaded on this machine, so clamd
loads one test signature (a marker string) written by the fixture: the daemon,
its protocol and its answers are the real ones.
"""

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from submissions.media.base import MediaRejected, MediaTransient
from submissions.media.scan import scan
from tests.conftest import CI, free_port, wait_until

MARKER = b"VOICES-HARMFUL-TEST-MARKER"
STREAM_MAX_BYTES = 2 * 1024 * 1024


def _clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if Path(p).exists()), None)


def _answers(path: str | None = None, port: int | None = None) -> bool:
    try:
        if path:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.settimeout(1)
                probe.connect(path)
                probe.sendall(b"zPING\0")
                return probe.recv(16).startswith(b"PONG")
        with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
            probe.sendall(b"zPING\0")
            return probe.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    binary = _clamd_binary()
    if binary is None:
        if CI:
            pytest.fail("clamd is missing: apt-get install clamav-daemon")
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "voices.ndb").write_text(f"Voices.Test.Marker:0:*:{MARKER.hex()}\n")
    port = free_port()
    config = folder / "clamd.conf"
    config.write_text(
        "Foreground yes\n"
        f"LocalSocket {folder / 'clamd.sock'}\n"
        f"TCPSocket {port}\nTCPAddr 127.0.0.1\n"
        f"DatabaseDirectory {folder / 'db'}\n"
        f"LogFile {folder / 'clamd.log'}\n"
        f"StreamMaxLength {STREAM_MAX_BYTES // 1024 // 1024}M\n"
    )
    daemon = subprocess.Popen([binary, f"--config-file={config}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: _answers(path=str(folder / "clamd.sock")) and _answers(port=port), timeout=60,
                   message="clamd to answer PING")
        yield SimpleNamespace(socket=str(folder / "clamd.sock"), port=port)
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


@pytest.fixture
def through_socket(clamd, settings):
    settings.CLAMD_SOCKET = clamd.socket
    settings.CLAMD_HOST = ""
    return clamd


def a_file(tmp_path: Path, content: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_without_clamd_settings_nothing_is_scanned(tmp_path, settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""

    assert scan(a_file(tmp_path, b"xx " + MARKER + b" yy")) is None


def test_a_clean_file_passes(tmp_path, through_socket):
    # Several chunks of the stream, with the marker's first half ending one chunk: nothing to find.
    content = os.urandom(1024 * 1024 - 13) + MARKER[:13] + os.urandom(300_000)

    assert scan(a_file(tmp_path, content)) is None


def test_an_infected_file_is_refused_with_what_was_found(tmp_path, through_socket):
    content = os.urandom(1_500_000) + MARKER + os.urandom(1000)  # the signature spans two chunks

    with pytest.raises(MediaRejected) as caught:
        scan(a_file(tmp_path, content))

    assert caught.value.code == "virus_found"
    assert caught.value.message == (
        "Our virus check found something harmful in this file (Voices.Test.Marker.UNOFFICIAL). "
        "Check your device with a virus scanner, then save your work again and upload the clean file."
    )


def test_clamd_over_tcp(tmp_path, clamd, settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", clamd.port

    assert scan(a_file(tmp_path, b"a clean essay")) is None
    with pytest.raises(MediaRejected):
        scan(a_file(tmp_path, MARKER, "second.bin"))


def test_a_file_larger_than_clamd_takes_waits_instead_of_passing_unscanned(tmp_path, through_socket):
    with pytest.raises(MediaTransient, match="StreamMaxLength"):
        scan(a_file(tmp_path, os.urandom(STREAM_MAX_BYTES + 1024 * 1024)))


def test_clamd_unreachable_is_a_transient_problem(tmp_path, settings):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    with pytest.raises(MediaTransient, match="unreachable"):
        scan(a_file(tmp_path, b"anything"))

    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", free_port()
    with pytest.raises(MediaTransient, match="unreachable"):
        scan(a_file(tmp_path, b"anything"))


def test_a_clamd_that_never_answers_times_out_as_transient(tmp_path, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", silent.getsockname()[1]
    settings.CLAMD_TIMEOUT_SECONDS = 0.5
    started = time.monotonic()
    try:
        with pytest.raises(MediaTransient, match="did not answer"):
            scan(a_file(tmp_path, b"small"))
        assert time.monotonic() - started < 5
    finally:
        for connection, _address in accepted:
            connection.close()
        silent.close()
