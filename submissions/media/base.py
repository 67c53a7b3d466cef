"""What every media step shares: how it fails, what it finds out about a file, and what it makes.

Steps work on local paths (a worker copies an S3 original to a temporary file
first), never on storage objects, so they can be tested and benchmarked alone.
"""

from dataclasses import dataclass, field
from pathlib import Path


class MediaRejected(Exception):
    """A permanent problem with the file itself: the job fails at once and the entrant sees `message`.

    `code` is a stable machine name (``too_long``, ``no_video_stream``, ``encrypted_pdf`` …);
    `message` is already translated, plain language, with the numbers, and says what to do.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class MediaTransient(Exception):
    """A problem outside the file (storage timeout, a killed subprocess, a full disk): retry later."""


@dataclass
class Facts:
    """What probing found. Only what the checks and the pages need; nothing identifying."""

    kind: str  # "video", "audio", "image", "pdf"
    container: str = ""
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    video_codec: str = ""
    audio_codec: str = ""
    has_audio: bool = False
    has_video: bool = False
    pages: int | None = None
    words: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Output:
    """One rendition written to a local file, ready to be stored under its spec."""

    spec: str
    path: Path
    content_type: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
