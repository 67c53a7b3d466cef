"""Captions: an entrant's SRT or WebVTT file, checked line by line and stored as clean WebVTT.

Only timings and text survive: styles, regions, notes and markup other than
italic, bold and underline are dropped, and the text is escaped, so a caption
file cannot carry script or CSS to a page that shows it.
"""

import re

from django.utils.translation import gettext as _

from .base import MediaRejected

MAX_BYTES = 1024 * 1024
MAX_CUES = 20_000
MAX_LINE_CHARS = 500

# SRT writes 00:01:02,500; WebVTT 00:01:02.500 or 01:02.500. Both are taken either way.
TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
TIMING = re.compile(rf"^\s*{TIME}\s*-->\s*{TIME}(?P<settings>(?:\s+.*)?)$")
SETTING = re.compile(r"^(vertical:(?:rl|lr)|line:-?\d+(?:\.\d+)?%?(?:,(?:start|center|end))?|"
                     r"position:\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?|size:\d+(?:\.\d+)?%|"
                     r"align:(?:start|center|end|left|right))$")
KEPT_TAG = re.compile(r"</?([ibu])>", re.IGNORECASE)
ANY_TAG = re.compile(r"<[^>]*>")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def to_webvtt(data: bytes) -> str:
    """Clean WebVTT from SRT or WebVTT bytes (UTF-8, with or without a byte order mark).

    Raises MediaRejected naming the line when a timing is wrong.
    """
    if not data.strip():
        raise MediaRejected("captions_empty", _("The captions file is empty. Upload the file with your captions."))
    if len(data) > MAX_BYTES:
        raise MediaRejected("captions_too_large",
                            _("The captions file is larger than 1 MB, which is far more than a film's captions. "
                              "Check that you chose the right file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MediaRejected(
            "captions_encoding",
            _("Line %(line)s of the captions file is not UTF-8 text. Save the file as UTF-8 (most subtitle "
              "editors offer it when saving) and upload it again.") % {"line": line},
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    is_webvtt = lines[0].startswith("WEBVTT") and (len(lines[0]) == 6 or lines[0][6] in " \t")
    cues = _cues(lines, is_webvtt)
    if not cues:
        raise MediaRejected(
            "captions_empty",
            _("We found no captions in this file. Upload an SRT or WebVTT file with at least one timed caption."),
        )
    cues.sort(key=lambda cue: (cue[0], cue[1]))  # WebVTT wants cues in order of their start; SRT does not insist
    out = ["WEBVTT", ""]
    for number, (start, end, settings, body) in enumerate(cues, start=1):
        out += [str(number), f"{_stamp(start)} --> {_stamp(end)}{settings}", *body, ""]
    return "\n".join(out)


def _cues(lines: list[str], is_webvtt: bool) -> list[tuple[int, int, str, list[str]]]:
    cues = []
    index = 1 if is_webvtt else 0
    if is_webvtt:
        while index < len(lines) and lines[index].strip():  # the header's own lines
            index += 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        block_start = index
        while index < len(lines) and lines[index].strip():
            index += 1
        block = lines[block_start:index]
        if is_webvtt and re.match(r"^(NOTE|STYLE|REGION)(\s|$)", block[0]):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        number = block_start + timing_at + 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise MediaRejected(
                "captions_timing",
                _("Line %(line)s of the captions file should be a timing such as "
                  "\"00:00:01,000 --> 00:00:04,000\", but it is not. Correct it and upload the file again.")
                % {"line": block_start + min(timing_at, len(block) - 1) + 1},
            )
        start, end, settings = _timing(block[timing_at], number, is_webvtt)
        # Tags are balanced over the whole caption: italics may open on one line and close on the next.
        text = _balanced("\n".join(_clean(line) for line in block[timing_at + 1:]))
        body = [line.strip() for line in text.split("\n") if line.strip()]
        if body:
            cues.append((start, end, settings, body))
        if len(cues) > MAX_CUES:
            raise MediaRejected("captions_too_many",
                                _("The captions file has more than %(count)s captions. Check that you chose the right "
                                  "file.") % {"count": MAX_CUES})
    return cues


def _timing(line: str, number: int, is_webvtt: bool) -> tuple[int, int, str]:
    match = TIMING.match(line)
    if match is None:
        raise MediaRejected(
            "captions_timing",
            _("Line %(line)s of the captions file has a timing we cannot read: \"%(text)s\". Write it like "
              "\"00:00:01,000 --> 00:00:04,000\" and upload the file again.")
            % {"line": number, "text": line.strip()[:80]},
        )
    parts = match.groups()
    start, end = _milliseconds(parts[0:4]), _milliseconds(parts[4:8])
    if start is None or end is None:
        raise MediaRejected(
            "captions_timing",
            _("Line %(line)s of the captions file has minutes or seconds above 59: \"%(text)s\". Correct it and "
              "upload the file again.") % {"line": number, "text": line.strip()[:80]},
        )
    if end <= start:
        raise MediaRejected(
            "captions_timing",
            _("Line %(line)s of the captions file ends a caption before it starts (\"%(text)s\"). Correct the "
              "times and upload the file again.") % {"line": number, "text": line.strip()[:80]},
        )
    settings = ""
    if is_webvtt:
        kept = [word for word in (match.group("settings") or "").split() if SETTING.match(word)]
        settings = "".join(" " + word for word in kept)
    return start, end, settings


def _milliseconds(parts: tuple) -> int | None:
    hours, minutes, seconds, fraction = parts
    if int(minutes) > 59 or int(seconds) > 59:
        return None
    # "1,5" means 1.5 seconds, as some tools write it.
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(fraction.ljust(3, "0"))


def _stamp(milliseconds: int) -> str:
    seconds, millis = divmod(milliseconds, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _clean(line: str) -> str:
    """A caption line as plain text, keeping only <i>, <b> and <u> (and SRT's {\\an8}-style codes dropped)."""
    line = CONTROL.sub("", re.sub(r"\{\\[^}]*\}", "", line))[:MAX_LINE_CHARS]
    kept = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0).lower())
        return f"\x00{len(kept) - 1}\x00"

    line = KEPT_TAG.sub(keep, line)
    line = ANY_TAG.sub("", line)
    line = (line.replace("&nbsp;", "\u00a0").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    line = re.sub(r"\x00(\d+)\x00", lambda match: kept[int(match.group(1))], line)
    return line.strip()


def _balanced(line: str) -> str:
    """Close what a caption opened and drop closings of what it never opened, so its italics end with it."""
    out, open_tags = [], []
    for piece in re.split(r"(</?[ibu]>)", line):
        tag = re.fullmatch(r"<(/?)([ibu])>", piece)
        if tag is None:
            out.append(piece)
        elif not tag.group(1):
            open_tags.append(tag.group(2))
            out.append(piece)
        elif tag.group(2) in open_tags:
            while open_tags:
                name = open_tags.pop()
                out.append(f"</{name}>")
                if name == tag.group(2):
                    break
    out += [f"</{name}>" for name in reversed(open_tags)]
    return "".join(out)


__all__ = ["to_webvtt"]
