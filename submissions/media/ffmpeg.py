"""The one place ffmpeg and ffprobe run, and probing a video or sound file with them.

Entrants' files are untrusted input for large C decoders, so they are only ever
decoded in a child process: low priority, a wall-clock timeout, a ceiling on
memory and on the size of what it writes, no core dumps, and input limited to
plain local files in the containers we take (so a "video" that is really an
HLS or concat playlist cannot make ffmpeg read other files). ffmpeg's own
messages are never logged: they can quote a file's tags, which may hold a
name or a place.
"""

import contextlib
import ctypes
import functools
import json
import logging
import math
import os
import resource
import shutil
import signal
import subprocess
from fractions import Fraction
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .base import Facts, MediaRejected, MediaTransient

logger = logging.getLogger(__name__)

# Address space, not resident memory: decoders and x264's threads reserve far more than they touch.
MEMORY_LIMIT_BYTES = 3 * 1024**3
OUTPUT_LIMIT_BYTES = 8 * 1024**3
NICENESS = 10
PROBE_TIMEOUT_SECONDS = 60

# The demuxers an entrant's file may be opened with (ffmpeg's names), and local files only.
INPUT_FORMATS = "mov,matroska,webm,mp3,wav,ogg,flac,aac"
INPUT_PROTOCOLS = "file"

# Signals that mean the decoder itself broke on the file: retrying the same bytes cannot help.
CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGABRT}
# ffmpeg's words for trouble outside the file: the machine, not the entrant, must change.
# Running out of the memory ceiling reads differently in each library, and never names the file.
MACHINE_TROUBLE = ("No space left on device", "Cannot allocate memory", "Resource temporarily unavailable",
                   "Too many open files", "Permission denied", "Read-only file system", "File too large",
                   "malloc of size", "failed to map segment", "get_buffer() failed", "Out of memory",
                   "error while loading shared libraries")

# A container may disagree with its streams by rounding and encoder padding; more than this is a lie.
DURATION_SLACK_SECONDS = 2.0
DURATION_SLACK_RATIO = 0.05
# Over a category's limit by less than this is forgiven: editors pad the last frame or audio packet.
DURATION_GRACE_SECONDS = 1


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_LIBC = ctypes.CDLL(None, use_errno=True)


def binary(tool: str) -> str:
    """The ffmpeg or ffprobe on PATH (Debian's package; the Dockerfile and .ci/run install it)."""
    found = shutil.which(tool)
    if found is None:
        # Not the file's fault: the job waits until the machine has ffmpeg.
        raise MediaTransient(f"{tool} is not installed on this machine")
    return found


def threads() -> list[str]:
    """How many threads an encoder may use (settings.MEDIA_THREADS; 0: as many as ffmpeg likes)."""
    return ["-threads", str(settings.MEDIA_THREADS)]


def input_args(path: Path) -> list[str]:
    """The options that open an entrant's file safely, ending with the file itself."""
    return [
        "-protocol_whitelist", INPUT_PROTOCOLS,
        "-format_whitelist", INPUT_FORMATS,
        # "file:" so a name with a colon is never read as another protocol.
        "-i", f"file:{Path(path).resolve()}",
    ]


def _limit_child(parent: int) -> None:  # pragma: no cover - runs in the child between fork and exec
    # The child has a session of its own (so a timeout can kill all of it); this makes it die with its
    # worker too, so a worker killed mid-transcode leaves no ffmpeg behind to finish for nobody.
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the worker died before the line above
        os._exit(1)
    os.nice(NICENESS)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(tool: str, args: list[str], *, timeout: float) -> subprocess.CompletedProcess:
    """Run ffmpeg or ffprobe with `args`; return the finished process (stdout and stderr as text).

    Raises MediaTransient when it ran out of time, was killed or the machine
    failed it, and MediaRejected when it could not read the file.
    """
    command = [binary(tool), "-hide_banner", "-loglevel", "error", *args]
    if tool == "ffmpeg":
        command.insert(2, "-nostdin")
        if settings.MEDIA_THREADS:  # the decoder's and the filters' threads (the encoder's: threads())
            command[3:3] = ["-filter_threads", str(settings.MEDIA_THREADS), *threads()]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        # The hook only makes system calls (limits, priority), so it is safe beside the worker's threads.
        preexec_fn=functools.partial(_limit_child, os.getpid()), start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        logger.warning("%s ran out of time after %.0f s and was stopped", tool, timeout)
        raise MediaTransient(f"{tool} took longer than {timeout:.0f} s") from None
    except BaseException:  # Celery's soft time limit, a worker shutting down: never leave ffmpeg running
        _stop(process)
        raise
    message = stderr.decode("utf-8", "replace")
    if process.returncode == 0:
        return subprocess.CompletedProcess(command, 0, stdout.decode("utf-8", "replace"), message)
    if process.returncode < 0 and -process.returncode not in CRASH_SIGNALS:
        logger.warning("%s was killed by signal %s", tool, -process.returncode)
        raise MediaTransient(f"{tool} was killed by signal {-process.returncode}")
    if any(words in message for words in MACHINE_TROUBLE):
        logger.warning("%s failed for a reason outside the file (exit %s)", tool, process.returncode)
        raise MediaTransient(f"{tool} failed for a reason outside the file")
    logger.info("%s could not read a file (exit %s, %s)", tool, process.returncode, _kind_of_failure(message))
    raise unreadable()


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _kind_of_failure(message: str) -> str:
    """A fixed label for ffmpeg's complaint, safe to log (its own text can quote the file's tags)."""
    for pattern, label in (
        ("not on whitelist", "format not allowed"), ("moov atom not found", "no index"),
        ("partial file", "truncated"), ("Invalid data found", "invalid data"),
        ("does not contain any stream", "no streams"), ("Invalid NAL", "damaged video"),
    ):
        if pattern in message:
            return label
    return "other"


def unreadable() -> MediaRejected:
    return MediaRejected(
        "unreadable",
        _("We could not read this file as a video or a sound recording. It may be damaged, only partly copied, "
          "or in a format we do not take. Export it again from the program you made it with (MP4 works best) "
          "and upload the new file."),
    )


# --- What every step writes ---------------------------------------------------
def without_metadata() -> list[str]:
    """Drop every tag, chapter and stream tag, and ffmpeg's own version strings."""
    return ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
            "-flags:a", "+bitexact"]


def at_most(facts: Facts) -> list[str]:
    """Never more than the checked duration: a header that fooled the probe cannot make a 10-hour rendition."""
    if not facts.duration_seconds:
        return []
    return ["-t", f"{facts.duration_seconds + DURATION_GRACE_SECONDS + 1:.3f}"]


def time_allowed(facts: Facts, *, per_second: float, at_least: float = 120) -> float:
    """Generous wall-clock time for a job: the machine may be shared, but never without end."""
    return max(at_least, at_least + per_second * math.ceil(facts.duration_seconds or 0))


# --- Probing -----------------------------------------------------------------
def probe_media(path: Path) -> Facts:
    """What a video or sound file really holds, checked against what it claims.

    The duration is the end of the last packet, found by seeking to the end of
    the file and reading what is there; a container that claims less (a
    "3 minute" film that runs for 10 hours) or more (a file cut short) is refused.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise MediaRejected("empty", _("The file is empty (0 bytes). Upload it again."))
    found = run("ffprobe", ["-print_format", "json", "-show_format", "-show_streams", *input_args(path)],
                timeout=PROBE_TIMEOUT_SECONDS)
    try:
        info = json.loads(found.stdout or "{}")
    except ValueError:  # ffprobe printed half an answer before the file stopped making sense
        raise unreadable() from None
    streams = info.get("streams") or []
    fmt = info.get("format") or {}
    video = next((s for s in streams if s.get("codec_type") == "video" and not _is_picture(s)), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise unreadable()

    declared = _number(fmt.get("duration"))
    stream_durations = [d for s in (video, audio) if s for d in [_number(s.get("duration"))] if d]
    end, cut_short = _last_packet_end(path, [s["index"] for s in (video, audio) if s], declared)
    if cut_short or end is None:
        raise _truncated()
    # From where playing starts: an edit list (a clip trimmed on a phone) or encoder priming may move it.
    real = max(end - (_number(fmt.get("start_time")) or 0.0), 0.0)
    claimed = max([d for d in (declared, *stream_durations) if d] or [real])
    if real > claimed + DURATION_SLACK_SECONDS + DURATION_SLACK_RATIO * claimed:
        raise MediaRejected(
            "duration_mismatch",
            _("This file says it lasts %(claimed)s but holds %(real)s of recording, so it is damaged or altered. "
              "Export it again from the program you made it with and upload the new file.")
            % {"claimed": duration_in_words(claimed), "real": duration_in_words(real)},
        )
    if declared and real < declared - DURATION_SLACK_SECONDS - DURATION_SLACK_RATIO * declared:
        raise _truncated()

    facts = Facts(
        kind="video" if video is not None else "audio",
        container=_container(fmt, streams),
        duration_seconds=round(real, 3),
        has_video=video is not None,
        has_audio=audio is not None,
        extra={"declared_duration_seconds": declared, "bit_rate": _integer(fmt.get("bit_rate")), "size_bytes": size},
    )
    if video is not None:
        width, height = _integer(video.get("width")), _integer(video.get("height"))
        rotation = _rotation(video)
        if rotation in (90, 270) and width and height:
            width, height = height, width
        facts.width, facts.height = width, height
        facts.frame_rate = _frame_rate(video)
        facts.video_codec = video.get("codec_name", "")
        facts.extra.update({
            "pix_fmt": video.get("pix_fmt", ""),
            "video_profile": video.get("profile", ""),
            "video_bit_rate": _integer(video.get("bit_rate")),
            "field_order": video.get("field_order", ""),
            "rotation": rotation,
        })
    if audio is not None:
        facts.audio_codec = audio.get("codec_name", "")
        facts.extra.update({
            "audio_profile": audio.get("profile", ""),
            "channels": _integer(audio.get("channels")),
            "sample_rate": _integer(audio.get("sample_rate")),
            "audio_bit_rate": _integer(audio.get("bit_rate")),
        })
    return facts


def _last_packet_end(path: Path, indexes: list[int], declared: float | None) -> tuple[float | None, bool]:
    """(end of the last packet of the given streams, whether the file stops short).

    Seeking far past the end lands on the last keyframe (MP4, WebM, MP3, Ogg), so
    only its group of pictures is read, however long the file claims or really
    is. Readers that seek by arithmetic (WAV) land past the end and read
    nothing; they are asked again from a little before the declared end.
    """
    ends, cut_short = [], False
    for seek in ("99999999", f"{max((declared or 0) - 10, 0):.3f}"):
        tail = run("ffprobe", ["-read_intervals", f"{seek}%", "-show_entries",
                               "packet=stream_index,pts_time,dts_time,duration_time,flags", "-print_format", "csv=p=0",
                               *input_args(path)], timeout=PROBE_TIMEOUT_SECONDS)
        cut_short = cut_short or "partial file" in tail.stderr
        ends = [when + length for index, when, length in _times(tail.stdout) if index in indexes]
        if ends:
            break
    # An index promising packets beyond the file's end shows up as a tail that reads nothing, or as
    # the MP4 reader's complaint about a partial file.
    return (max(ends) if ends else None), cut_short or not ends


def _times(listing: str):
    """(stream, time, duration) of each packet ffprobe listed, leaving out those an edit list discards."""
    for line in listing.splitlines():
        fields = line.split(",")
        if len(fields) < 5 or "D" in fields[4]:
            continue
        when = _number(fields[1]) if _number(fields[1]) is not None else _number(fields[2])
        if when is not None:
            yield _integer(fields[0]), when, _number(fields[3]) or 0.0


def _truncated() -> MediaRejected:
    return MediaRejected(
        "truncated",
        _("This file stops before its end: it was probably not copied or uploaded completely. "
          "Upload the whole file again."),
    )


def _is_picture(stream: dict) -> bool:
    """Cover art in a sound file shows up as a one-frame video stream."""
    return bool((stream.get("disposition") or {}).get("attached_pic"))


def _container(fmt: dict, streams: list[dict]) -> str:
    """The container in the names categories use (mp4, mov, m4a, webm, mkv, mp3, wav, ogg, flac, aac)."""
    names = set((fmt.get("format_name") or "").split(","))
    if "mov" in names:
        brand = ((fmt.get("tags") or {}).get("major_brand") or "").strip().lower()
        return {"qt": "mov", "m4a": "m4a", "m4b": "m4a"}.get(brand, "mp4")
    if "matroska" in names:
        webm_codecs = {"vp8", "vp9", "av1", "opus", "vorbis"}
        media = [s for s in streams if s.get("codec_type") in ("video", "audio") and not _is_picture(s)]
        return "webm" if all(s.get("codec_name") in webm_codecs for s in media) else "mkv"
    for name in ("mp3", "wav", "ogg", "flac", "aac"):
        if name in names:
            return name
    return sorted(names)[0] if names else ""


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            return int(_number(side["rotation"]) or 0) % 360
    return int(_number((stream.get("tags") or {}).get("rotate")) or 0) % 360


def _frame_rate(stream: dict) -> float | None:
    for key in ("avg_frame_rate", "r_frame_rate"):
        try:
            rate = Fraction(stream.get(key) or "0/0")
        except (ValueError, ZeroDivisionError):
            continue
        if rate > 0:
            return round(float(rate), 3)
    return None


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _integer(value) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def duration_in_words(seconds: float) -> str:
    """A duration as a person says it ("4 min 12 s", "10 hours"), rounded to the second."""
    from contest.describe import duration_in_words as in_words

    whole = max(int(round(seconds)), 0)
    hours, rest = divmod(whole, 3600)
    if hours and not rest:
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return in_words(whole)


__all__ = [
    "MEMORY_LIMIT_BYTES", "at_most", "binary", "duration_in_words", "input_args", "probe_media", "run", "time_allowed",
    "unreadable", "without_metadata",
]
