"""Test media made on the spot with ffmpeg: clips that give away a place, files that lie about their length."""

import struct
import subprocess
from pathlib import Path

# Geneva, as a phone writes it into a video's tags.
LATITUDE, LONGITUDE = "+46.2044", "+006.1432"
LOCATION = f"{LATITUDE}{LONGITUDE}/"
CAMERA = "VoicesCam"
STREET = "Rue des Voix 12"
# Everything that would give the place or the camera away, as bytes to look for in an output.
GIVEAWAYS = [LATITUDE.encode(), LONGITUDE.encode(), b"46.2044", b"ISO6709", b"\xa9xyz", b"loci", CAMERA.encode(),
             STREET.encode()]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True)


def clip(path: Path, *, size: str = "640x360", rate: int = 30, seconds: float = 2.0, video: str = "libx264",
         audio: str | None = "aac", extra: tuple[str, ...] = ()) -> Path:
    """A test-pattern video with a tone; `extra` options go to the output (tags, movflags, pixel format)."""
    inputs = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    codec = ["-c:v", video]
    if video == "libx264":
        codec += ["-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    elif video == "libvpx-vp9":
        codec += ["-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M"]
    if audio:
        codec += ["-c:a", audio]
    ffmpeg(*inputs, "-t", str(seconds), *codec, *extra, str(path))
    return path


def sound(path: Path, *, seconds: float = 3.0, codec: str = "aac", extra: tuple[str, ...] = ()) -> Path:
    """A tone that swells and fades, so its waveform has a shape."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=44100:duration={seconds}",
           "-af", "volume='7*(0.02+0.98*abs(sin(PI*t/2)))':eval=frame", "-c:a", codec, *extra, str(path))
    return path


def clip_with_location(path: Path, *, video: str = "libx264", use_metadata_tags: bool = False) -> Path:
    """A phone's video: where it was filmed (©xyz / loci / Apple's ISO 6709 key), the camera, and a subtitle
    track naming the street."""
    srt = path.with_suffix(".srt")
    srt.write_text(f"1\n00:00:00,000 --> 00:00:01,500\n{STREET}\n")
    tags = ["-metadata", f"location={LOCATION}", "-metadata", f"location-eng={LOCATION}",
            "-metadata", f"com.apple.quicktime.location.ISO6709={LATITUDE}{LONGITUDE}+000.000/",
            "-metadata", f"com.apple.quicktime.make={CAMERA}", "-metadata", f"com.apple.quicktime.model={CAMERA} 7",
            "-metadata", f"make={CAMERA}", "-metadata", f"title={STREET}",
            "-metadata:s:v:0", f"handler_name={CAMERA} video"]
    if use_metadata_tags:
        tags += ["-movflags", "+use_metadata_tags"]
    subtitles = "mov_text"
    clip(path.with_suffix(".plain" + path.suffix), video=video)
    ffmpeg("-i", str(path.with_suffix(".plain" + path.suffix)), "-i", str(srt), "-map", "0", "-map", "1",
           "-c:v", "copy", "-c:a", "copy", "-c:s", subtitles, *tags, str(path))
    return path


def lying_about_its_length(path: Path, *, real_seconds: int = 36000, claimed_seconds: int = 180) -> Path:
    """A tiny MP4 that runs for 10 hours (its last frame shows at 10:00:00) while its headers say 3 minutes."""
    honest = path.with_suffix(".honest.mp4")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-frames:v", "10",
           "-vf", f"setpts='if(eq(N,9),{real_seconds}/TB,PTS)'", "-fps_mode", "passthrough",
           "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-an", "-video_track_timescale", "1000", str(honest))
    data = bytearray(honest.read_bytes())
    _rewrite_durations(data, 0, len(data), claimed_seconds, {})
    path.write_bytes(bytes(data))
    return path


def _rewrite_durations(data: bytearray, start: int, end: int, seconds: int, scales: dict) -> None:
    """Set the movie's, each track's and each media's duration (version-0 boxes, as ffmpeg writes them)."""
    for kind, body, box_end in boxes(data, start, end):
        if kind in (b"moov", b"trak", b"mdia"):
            _rewrite_durations(data, body, box_end, seconds, scales)
        elif kind == b"mvhd":
            scales["movie"] = struct.unpack(">I", data[body + 12:body + 16])[0]
            struct.pack_into(">I", data, body + 16, seconds * scales["movie"])
        elif kind == b"tkhd":
            struct.pack_into(">I", data, body + 20, seconds * scales["movie"])
        elif kind == b"mdhd":
            scale = struct.unpack(">I", data[body + 12:body + 16])[0]
            struct.pack_into(">I", data, body + 16, seconds * scale)


def boxes(data: bytes, start: int = 0, end: int | None = None):
    """(type, where its content starts, where it ends) of the MP4 boxes between start and end, one level."""
    end = len(data) if end is None else end
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position:position + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[position + 8:position + 16])[0], 16
        elif size == 0:
            size = end - position
        if size < header:
            return
        yield kind, position + header, position + size
        position += size


def top_level_boxes(path: Path) -> list[bytes]:
    return [kind for kind, _body, _end in boxes(path.read_bytes())]


def giveaways_in(path: Path) -> list[bytes]:
    """Which of the place's and camera's traces the file's bytes still hold."""
    data = path.read_bytes()
    return [needle for needle in GIVEAWAYS if needle in data]
