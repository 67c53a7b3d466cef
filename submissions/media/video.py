"""Videos: the category's checks, the 720p MP4 every browser plays, and a poster frame.

The rendition is what judges and the public see, so it carries nothing of the
original's metadata: no tags (location, camera, dates), no chapters, no data
or subtitle tracks (a phone's GPS track, a drone's telemetry) and, when the
picture is copied as it is, no SEI messages inside the H.264 stream.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from ..enums import Spec
from . import ffmpeg
from .base import Facts, MediaRejected, Output

# What browsers play: H.264 in 8-bit 4:2:0 with AAC sound, in MP4.
MAX_WIDTH, MAX_HEIGHT = 1280, 720  # the box a rendition fits in; a portrait video fits it turned
REMUX_MAX_BIT_RATE = 8_000_000  # above this a 720p original is worth making smaller for judges on weak links
REMUX_PROFILES = {"Constrained Baseline", "Baseline", "Main", "High"}
MAX_FRAME_RATE = 60

# What we take in. Every decoder is attack surface: only the codecs phones, cameras and editors write.
VIDEO_CODECS = {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "prores"}
AUDIO_CODECS = {"aac", "mp3", "opus", "vorbis", "flac", "alac", "ac3", "eac3",
                "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_f32le"}
CONTAINERS = {"mp4", "mov", "webm", "mkv"}
# A category's file name endings that mean the same container as the one probing names.
SAME_CONTAINER = {"m4v": "mp4", "mkv": "mkv", "qt": "mov"}
MAX_LONG_SIDE, MAX_SHORT_SIDE = 4096, 2304  # 4K and a little more; 8K costs minutes per second here
MAX_CHECKED_FRAME_RATE = 120
DURATION_GRACE_SECONDS = ffmpeg.DURATION_GRACE_SECONDS

# Benchmark B3 (1080p → 720p on two cores, a detailed zooming clip and a noisy hand-held pan): "veryfast" with
# the cheapest motion search costs a quarter less CPU than "veryfast" alone ("superfast" drops mbtree and, on
# noisy phone footage, triples the size). CRF 18 keeps SSIM against the source at 720p ≥ 0.95 on both (CRF 23
# gave 0.94 on the zoom and 0.90–0.93 on the pan, whose sensor noise the encoder smoothed away) for 6–8 Mb/s;
# the ceiling is the rate above which an original is not copied as it is, for judges on weak connections.
X264_PRESET = "veryfast"
X264_PARAMS = "me=dia:subme=1"
X264_CRF = "18"
MAX_VIDEO_BIT_RATE = "8M"
VIDEO_BUFFER = "16M"
AUDIO_BIT_RATE = "128k"
POSTER_AT_MOST_SECONDS = 5.0


def check_video(facts: Facts, category) -> None:
    """Refuse a file the category cannot take, telling the entrant what to change."""
    if not facts.has_video:
        raise MediaRejected(
            "no_video_stream",
            _("This file has no picture, only sound. Upload the video itself, exported with its picture."),
        )
    allowed = {SAME_CONTAINER.get(f.lower(), f.lower()) for f in (category.allowed_formats or [])}
    # An MP4 and a QuickTime file are one container with two names; WebM is a kind of Matroska.
    if allowed & {"mp4", "mov"}:
        allowed |= {"mp4", "mov"}
    if "mkv" in allowed:
        allowed.add("webm")
    if facts.container not in CONTAINERS or (allowed and facts.container not in allowed):
        raise MediaRejected(
            "format_not_allowed",
            _("This video is a %(container)s file, which this category does not take. Export it as %(allowed)s "
              "and upload it again.")
            % {"container": facts.container.upper() or "?", "allowed": formats_in_words(category, fallback="MP4")},
        )
    if facts.video_codec not in VIDEO_CODECS:
        raise MediaRejected(
            "codec_not_allowed",
            _("The picture in this video is encoded as %(codec)s, which we cannot take. Export it again as MP4 "
              "with H.264 video and upload the new file.")
            % {"codec": facts.video_codec or "?"},
        )
    if facts.has_audio and facts.audio_codec not in AUDIO_CODECS:
        raise MediaRejected(
            "codec_not_allowed",
            _("The sound in this video is encoded as %(codec)s, which we cannot take. Export it again as MP4 "
              "with AAC sound and upload the new file.")
            % {"codec": facts.audio_codec or "?"},
        )
    check_duration(facts, category, message=_(
        "Your video is %(duration)s long; this category allows at most %(limit)s. Shorten it and upload it again."
    ))
    width, height = facts.width or 0, facts.height or 0
    if max(width, height) > MAX_LONG_SIDE or min(width, height) > MAX_SHORT_SIDE:
        raise MediaRejected(
            "too_large_picture",
            _("Your video is %(width)s × %(height)s pixels; we take at most %(max_long)s × %(max_short)s (4K). "
              "Export it at 4K or smaller, 1080p is plenty, and upload it again.")
            % {"width": width, "height": height, "max_long": MAX_LONG_SIDE, "max_short": MAX_SHORT_SIDE},
        )
    if category.min_long_side_px and max(width, height) < category.min_long_side_px:
        raise MediaRejected(
            "too_small_picture",
            _("Your video is %(width)s × %(height)s pixels; this category needs at least %(min)s pixels on the "
              "longer side. Export it at a higher resolution and upload it again.")
            % {"width": width, "height": height, "min": category.min_long_side_px},
        )
    if facts.frame_rate and facts.frame_rate > MAX_CHECKED_FRAME_RATE:
        raise MediaRejected(
            "frame_rate_too_high",
            _("Your video has %(rate)s frames per second; we take at most %(max)s. Export it at 60 frames per "
              "second or fewer and upload it again.")
            % {"rate": round(facts.frame_rate), "max": MAX_CHECKED_FRAME_RATE},
        )


def check_duration(facts: Facts, category, *, message: str) -> None:
    """The category's longest duration; `message` is the whole sentence, with %(duration)s and %(limit)s."""
    limit = category.max_duration_seconds
    if limit and facts.duration_seconds and facts.duration_seconds > limit + DURATION_GRACE_SECONDS:
        raise MediaRejected(
            "too_long",
            message % {"duration": ffmpeg.duration_in_words(facts.duration_seconds),
                       "limit": ffmpeg.duration_in_words(limit)},
        )


def formats_in_words(category, *, fallback: str) -> str:
    """The category's formats as a choice: "MP4, MOV or WEBM"."""
    names = [f.upper() for f in category.allowed_formats or []] or [fallback]
    if len(names) == 1:
        return names[0]
    return _("%(formats)s or %(last)s") % {"formats": ", ".join(names[:-1]), "last": names[-1]}


# --- Renditions ----------------------------------------------------------------
def target_size(facts: Facts) -> tuple[int, int]:
    """The rendition's picture size: the original's, made to fit 1280 × 720 (either way up), never enlarged."""
    width, height = facts.width or MAX_WIDTH, facts.height or MAX_HEIGHT
    box_long, box_short = MAX_WIDTH, MAX_HEIGHT
    scale = min(1.0, box_long / max(width, height), box_short / min(width, height))
    # H.264 in 4:2:0 needs even sides.
    return max(2, 2 * round(width * scale / 2)), max(2, 2 * round(height * scale / 2))


def plan_video(facts: Facts) -> str:
    """"remux" when the original's picture can be copied as it is into the rendition, else "transcode"."""
    extra = facts.extra or {}
    fits = (facts.width or 0) <= MAX_WIDTH and (facts.height or 0) <= MAX_WIDTH and (
        min(facts.width or 0, facts.height or 0) <= MAX_HEIGHT
    )
    bit_rate = extra.get("video_bit_rate") or extra.get("bit_rate") or 0
    playable = (
        facts.video_codec == "h264"
        and extra.get("pix_fmt") in ("yuv420p", "yuvj420p")
        and extra.get("video_profile") in REMUX_PROFILES
        and extra.get("field_order") in ("progressive", "", None)
        and facts.container in ("mp4", "mov", "mkv")
    )
    if playable and fits and bit_rate <= REMUX_MAX_BIT_RATE and (facts.frame_rate or 0) <= MAX_FRAME_RATE:
        return "remux"
    return "transcode"


def render_video(path: Path, out_dir: Path, facts: Facts, *, how: str | None = None) -> Output:
    """video.mp4: 720p at most, H.264 + AAC, index at the front so it starts playing at once, no metadata.

    `how` overrides plan_video's choice (the benchmark transcodes a clip that could be copied).
    """
    target = Path(out_dir) / Spec.VIDEO
    how = how or plan_video(facts)
    width, height = (facts.width, facts.height) if how == "remux" else target_size(facts)
    args = [*ffmpeg.input_args(path), "-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn"]
    if how == "remux":
        # SEI messages are free-form text and binary a camera may fill; the picture does not need them.
        args += ["-c:v", "copy", "-bsf:v", "filter_units=remove_types=6"]
    else:
        # Interlaced camera footage is made progressive; the filter costs a tenth of the transcode, so only then.
        interlaced = (facts.extra or {}).get("field_order") in ("tt", "bb", "tb", "bt")
        args += [
            "-vf", ("yadif," if interlaced else "") + f"scale={width}:{height},format=yuv420p",
            "-fpsmax", str(MAX_FRAME_RATE),
            "-c:v", "libx264", "-preset", X264_PRESET, "-x264-params", X264_PARAMS, "-crf", X264_CRF,
            "-profile:v", "high",
            "-maxrate", MAX_VIDEO_BIT_RATE, "-bufsize", VIDEO_BUFFER, *ffmpeg.threads(),
        ]
    if facts.has_audio and facts.audio_codec == "aac" and how == "remux":
        args += ["-c:a", "copy"]
    else:
        args += ["-c:a", "aac", "-b:a", AUDIO_BIT_RATE]
        if ((facts.extra or {}).get("channels") or 0) > 2:
            args += ["-ac", "2"]  # surround sound to stereo: browsers and laptops play two channels
    args += [*ffmpeg.without_metadata(), *ffmpeg.at_most(facts), "-movflags", "+faststart", "-f", "mp4", "-y",
             str(target)]
    ffmpeg.run("ffmpeg", args, timeout=ffmpeg.time_allowed(facts, per_second=4.0))
    return Output(spec=Spec.VIDEO, path=target, content_type="video/mp4", width=width, height=height,
                  duration_seconds=facts.duration_seconds)


def render_poster(path: Path, out_dir: Path, facts: Facts) -> Output:
    """poster.jpg: one frame from near the start (past a fade-in), as big as the rendition, no metadata."""
    target = Path(out_dir) / Spec.POSTER
    width, height = target_size(facts)
    at = min(POSTER_AT_MOST_SECONDS, (facts.duration_seconds or 0) / 10)
    # -ss before -i seeks in the container to the keyframe before `at` and decodes only from there.
    args = ["-ss", f"{at:.3f}", *ffmpeg.input_args(path), "-map", "0:v:0", "-frames:v", "1",
            "-vf", f"scale={width}:{height},format=yuvj420p", "-c:v", "mjpeg", "-q:v", "3",
            *ffmpeg.without_metadata(), "-f", "image2", "-update", "1", "-y", str(target)]
    ffmpeg.run("ffmpeg", args, timeout=ffmpeg.time_allowed(facts, per_second=0.0, at_least=60))
    if not target.exists() or target.stat().st_size == 0:
        raise ffmpeg.unreadable()
    return Output(spec=Spec.POSTER, path=target, content_type="image/jpeg", width=width, height=height)


__all__ = [
    "check_duration", "check_video", "formats_in_words", "plan_video", "render_poster", "render_video", "target_size",
]
