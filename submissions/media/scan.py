"""The optional virus scan: every file goes through ClamAV's daemon (clamd) when one is configured.

clamd's INSTREAM protocol is spoken here directly, in a few lines: the file is
sent in length-prefixed chunks and clamd answers one line. The Python clients
on PyPI add nothing to that and are unmaintained (``clamd`` had its last
release in 2014), so there is one dependency fewer.
Unset (no ``CLAMD_SOCKET`` nor ``CLAMD_HOST``), scanning is skipped.
"""

import logging
import socket
import struct
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .base import MediaRejected, MediaTransient

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024  # well under clamd's smallest useful StreamMaxLength
ANSWER_BYTES = 4096


def _connect() -> socket.socket | None:
    timeout = float(getattr(settings, "CLAMD_TIMEOUT_SECONDS", 120))
    if path := getattr(settings, "CLAMD_SOCKET", ""):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(path)
        except OSError:
            connection.close()
            raise
        return connection
    if host := getattr(settings, "CLAMD_HOST", ""):
        return socket.create_connection((host, int(getattr(settings, "CLAMD_PORT", 3310))), timeout=timeout)
    return None


def _answer(connection: socket.socket) -> str:
    """clamd's one-line answer, ended by NUL for the z-prefixed commands."""
    received = b""
    while b"\0" not in received and len(received) < ANSWER_BYTES:
        data = connection.recv(ANSWER_BYTES)
        if not data:
            break
        received += data
    return received.split(b"\0", 1)[0].decode("utf-8", errors="replace").strip()


def scan(path: Path) -> None:
    """Refuse an infected file; raise MediaTransient when clamd cannot answer (the job retries later)."""
    try:
        connection = _connect()
    except OSError as error:
        raise MediaTransient(f"clamd is unreachable: {error}") from None
    if connection is None:
        return
    try:
        with connection, open(path, "rb") as handle:
            connection.sendall(b"zINSTREAM\0")
            try:
                while chunk := handle.read(CHUNK_BYTES):
                    connection.sendall(struct.pack(">I", len(chunk)))
                    connection.sendall(chunk)
                connection.sendall(struct.pack(">I", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd stops reading when a stream passes its StreamMaxLength, and says so below
            answer = _answer(connection)
    except OSError as error:  # refused, reset or timed out
        raise MediaTransient(f"clamd did not answer: {error}") from None
    if answer == "stream: OK":
        return
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        signature = answer[len("stream: ") : -len(" FOUND")]
        logger.warning("Virus scan refused a file: %s", signature)
        raise MediaRejected(
            "virus_found",
            _(
                "Our virus check found something harmful in this file (%(signature)s). "
                "Check your device with a virus scanner, then save your work again and upload the clean file."
            )
            % {"signature": signature},
        )
    if "size limit" in answer.lower():
        raise MediaTransient("clamd refused the file as too large: raise StreamMaxLength in clamd.conf")
    raise MediaTransient(f"clamd answered: {answer[:200] or 'nothing'}")
