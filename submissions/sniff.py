"""What a file really is, from its first bytes, whatever its name says."""

from pathlib import Path

import puremagic

# Names puremagic gives, mapped to the names categories use.
ALIASES = {
    "jpeg": "jpg",
    "jpe": "jpg",
    "jfif": "jpg",
    "qt": "mov",
    "m4v": "mp4",
    "opus": "ogg",
    "oga": "ogg",
    "ogv": "ogg",
    "mpga": "mp3",
}
HEAD_BYTES = 64 * 1024


def sniff_format(path: Path, *, allowed: list[str]) -> str | None:
    """The first of the file's likely formats that the category allows, or None."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    return sniff_head(head, allowed=allowed)


def sniff_head(head: bytes, *, allowed: list[str]) -> str | None:
    """The same, from a file's first bytes already in memory."""
    if not head:
        return None
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    if not matches:
        return None
    # Weak guesses (a bare "RIFF" is WAV, WebP and AVI alike) do not count when a stronger one exists.
    strongest = max(match.confidence for match in matches)
    wanted = {ALIASES.get(f.lower(), f.lower()) for f in allowed}
    for match in (m for m in matches if m.confidence == strongest):
        name = ALIASES.get(match.extension.lstrip(".").lower(), match.extension.lstrip(".").lower())
        if name in wanted:
            return name
    return None
