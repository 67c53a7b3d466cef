"""Helpers for the upload tests: signing in over HTTP, speaking tus by hand, and making real media files."""

import base64
import hashlib
import os
import subprocess
from pathlib import Path

import requests

TUS = {"Tus-Resumable": "1.0.0"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
TIMEOUT = 30


def sign_in(base_url: str, email: str, password: str) -> requests.Session:
    """A browser-like session: the login form with its CSRF token, as a person would submit it."""
    session = requests.Session()
    login = f"{base_url}/en/accounts/login/"
    session.get(login, timeout=TIMEOUT).raise_for_status()
    answer = session.post(
        login,
        data={"login": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": login},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, f"signing in as {email} failed: {answer.status_code}"
    assert "sessionid" in session.cookies
    return session


def tus_headers(session: requests.Session, **extra: str) -> dict[str, str]:
    """What a tus client sends with each request: the protocol version and the CSRF token."""
    headers = {**TUS, **extra}
    if "csrftoken" in session.cookies:
        headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return headers


def cookie_header(session: requests.Session) -> str:
    """tuspy sends its own requests, so the session travels as a Cookie header."""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def metadata(**values: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


def start(session, base_url: str, *, entry: str, length: int, filename: str, filetype: str = "") -> requests.Response:
    return session.post(
        f"{base_url}/en/uploads/",
        headers=tus_headers(
            session,
            **{
                "Upload-Length": str(length),
                "Upload-Metadata": metadata(entry=entry, filename=filename, filetype=filetype),
            },
        ),
        timeout=TIMEOUT,
    )


def start_for_new_entry(
    contest, entrant, session, base_url: str, *, length: int, title: str = "Fields after the war"
) -> str:
    """A new video entry of `entrant` in `contest`, and an upload of `length` bytes started for it over HTTP by the
    entrant's signed-in `session`; returns the upload's address."""
    from django.utils import timezone

    from contest.enums import MediaKind
    from submissions import services

    entry = services.create_entry(
        contest=contest,
        entrant=entrant,
        data={"theme": contest.themes.first(), "category": contest.categories.get(media_kind=MediaKind.VIDEO),
              "title": title},
        declarations=set(),
        now=timezone.now(),
    )  # fmt: skip
    answer = start(session, base_url, entry=entry.reference, length=length, filename="film.mp4")
    assert answer.status_code == 201, answer.text
    return answer.headers["Location"]


def send(session, url: str, *, offset: int, data: bytes, **headers: str) -> requests.Response:
    return session.patch(
        url,
        data=data,
        headers=tus_headers(
            session,
            **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream", **headers},
        ),
        timeout=TIMEOUT,
    )


def server_offset(session, url: str) -> int | None:
    answer = session.head(url, headers=tus_headers(session), timeout=TIMEOUT)
    return int(answer.headers["Upload-Offset"]) if answer.status_code == 200 else None


def sha1_header(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Media -------------------------------------------------------------------
def png_bytes(size: int) -> bytes:
    """Sniffs as PNG (its magic and header chunk), then random bytes: enough for the upload path, not for decoding."""
    return PNG_MAGIC + os.urandom(size - len(PNG_MAGIC))


def pdf_bytes(size: int) -> bytes:
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    return head + os.urandom(size - len(head))


def make_mp4(
    path: Path, *, seconds: float, size: str = "320x240", bitrate: str = "2M", pattern: str = "testsrc"
) -> Path:
    """A real H.264 MP4 of ffmpeg's test pattern with moving grain, so its size follows the bitrate asked for."""
    subprocess.run(
        [
            "/usr/bin/ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"{pattern}=size={size}:rate=25",
            "-t",
            str(seconds),
            "-vf",
            "noise=alls=40:allf=t",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            bitrate,
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=300,
    )
    return path


# What ffmpeg makes for each sample file: real media, small, in the format its name says.
SAMPLES = {
    "clip.mov": ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1", "-pix_fmt", "yuv420p"],
    "clip.webm": ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1", "-c:v", "libvpx", "-b:v", "500k"],
    "photo.jpg": ["-f", "lavfi", "-i", "testsrc=size=1600x1200", "-frames:v", "1"],
    "photo.webp": ["-f", "lavfi", "-i", "testsrc=size=1600x1200", "-frames:v", "1"],
    "song.mp3": ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
    # An MP3 as many encoders and stream recorders write it: frames only, no ID3 tag in front.
    "song-without-tags.mp3": [
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=2",
        "-c:a",
        "libmp3lame",
        "-id3v2_version",
        "0",
        "-write_xing",
        "0",
    ],
    "song.wav": ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
}


def make_sample(directory: Path, name: str) -> bytes:
    path = directory / name
    if not path.exists():
        subprocess.run(
            ["/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *SAMPLES[name], str(path)],
            check=True,
            timeout=120,
        )
    return path.read_bytes()
