"""The 720p rendition and the poster: what judges and the public get, and what they must never get."""

import json
import re
import subprocess

import av
import pytest
from PIL import Image

from submissions.media import video
from submissions.media.ffmpeg import probe_media

from .media_files import CAMERA, LATITUDE, STREET, clip, clip_with_location, giveaways_in, top_level_boxes


def described(path) -> dict:
    """Everything ffprobe can say about a file: tags of the file and of each stream."""
    found = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                            "-show_chapters", str(path)], capture_output=True, check=True, text=True)
    return json.loads(found.stdout)


def all_tags(path) -> dict:
    info = described(path)
    tags = dict(info["format"].get("tags", {}))
    for stream in info["streams"]:
        tags.update({f"{stream['index']}:{key}": value for key, value in stream.get("tags", {}).items()})
    return tags


def render(path, tmp_path):
    facts = probe_media(path)
    out = tmp_path / "out"
    out.mkdir()
    return facts, video.render_video(path, out, facts), video.render_poster(path, out, facts)


@pytest.mark.parametrize(
    ("name", "codec", "apple_keys", "plan"),
    [
        ("phone.mp4", "libx264", False, "remux"),  # the place in a 3GPP 'loci' box
        ("camera.mov", "libx264", False, "remux"),  # the place in QuickTime's ©xyz
        ("old-phone.mov", "mpeg4", True, "transcode"),  # Apple's com.apple.quicktime.location.ISO6709 key
    ],
)
def test_no_rendition_holds_the_place_or_the_camera(tmp_path, name, codec, apple_keys, plan):
    original = clip_with_location(tmp_path / name, video=codec, use_metadata_tags=apple_keys)
    assert giveaways_in(original)  # the test file really gives the place away

    facts, rendition, poster = render(original, tmp_path)

    assert video.plan_video(facts) == plan
    assert giveaways_in(rendition.path) == []
    assert giveaways_in(poster.path) == []
    info = described(rendition.path)
    assert [s["codec_type"] for s in info["streams"]] == ["video", "audio"]  # no subtitle naming the street
    assert info.get("chapters") == []
    tags = all_tags(rendition.path)
    assert not [key for key in tags if "location" in key.lower() or "make" in key.lower() or "title" in key]
    assert not [value for value in tags.values() if CAMERA in value or STREET in value]
    with av.open(str(rendition.path)) as container:
        assert not [key for key in container.metadata if "location" in key.lower()]
        assert all(LATITUDE not in value for stream in container.streams for value in stream.metadata.values())
    with Image.open(poster.path) as picture:
        assert picture.format == "JPEG"
        assert not set(picture.info) & {"exif", "xmp", "comment", "photoshop"}
        assert not picture.getexif()


def test_a_compliant_clip_is_copied_not_encoded_again(tmp_path):
    original = clip(tmp_path / "film.mp4", size="1280x720", seconds=2)

    facts, rendition, _poster = render(original, tmp_path)

    assert video.plan_video(facts) == "remux"
    with av.open(str(original)) as before, av.open(str(rendition.path)) as after:
        sizes_before = [p.size for p in before.demux(video=0) if p.size]
        sizes_after = [p.size for p in after.demux(video=0) if p.size]
    # The same compressed pictures; only the first loses the encoder's note (an SEI message).
    assert sizes_after[1:] == sizes_before[1:]
    assert sizes_after[0] < sizes_before[0]
    assert (rendition.width, rendition.height) == (1280, 720)


def test_a_1080p_webm_becomes_a_720p_mp4_that_starts_at_once(tmp_path):
    original = clip(tmp_path / "film.webm", size="1920x1080", seconds=1, video="libvpx-vp9", audio="libopus")

    facts, rendition, poster = render(original, tmp_path)

    assert video.plan_video(facts) == "transcode"
    info = described(rendition.path)
    picture = next(s for s in info["streams"] if s["codec_type"] == "video")
    sound = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (picture["codec_name"], picture["width"], picture["height"], picture["pix_fmt"]) == (
        "h264", 1280, 720, "yuv420p")
    assert sound["codec_name"] == "aac"
    assert float(info["format"]["duration"]) == pytest.approx(1.0, abs=0.1)
    boxes = top_level_boxes(rendition.path)
    assert boxes.index(b"moov") < boxes.index(b"mdat")  # faststart: a browser can play before the whole file
    assert (rendition.width, rendition.height, rendition.content_type) == (1280, 720, "video/mp4")
    with Image.open(poster.path) as picture_file:
        assert picture_file.size == (1280, 720)


def test_an_old_mpeg4_clip_is_encoded_again_without_being_enlarged(tmp_path):
    original = clip(tmp_path / "film.avi.mp4", size="320x240", seconds=1, video="mpeg4", audio="libmp3lame")

    facts, rendition, _poster = render(original, tmp_path)

    assert video.plan_video(facts) == "transcode"
    picture = next(s for s in described(rendition.path)["streams"] if s["codec_type"] == "video")
    assert (picture["codec_name"], picture["width"], picture["height"]) == ("h264", 320, 240)


def test_an_upright_phone_video_stays_upright_within_720p(tmp_path):
    original = clip(tmp_path / "upright.mp4", size="1080x1920", rate=10, seconds=1)

    facts, rendition, poster = render(original, tmp_path)

    assert video.plan_video(facts) == "transcode"
    assert (rendition.width, rendition.height) == (720, 1280)
    picture = next(s for s in described(rendition.path)["streams"] if s["codec_type"] == "video")
    assert (picture["width"], picture["height"]) == (720, 1280)
    with Image.open(poster.path) as picture_file:
        assert picture_file.size == (720, 1280)


def test_a_heavy_720p_original_is_made_lighter(tmp_path):
    # 720p, H.264, but at a bit rate that stalls on a judge's phone connection.
    original = clip(tmp_path / "film.mp4", size="1280x720", seconds=1, extra=("-b:v", "20M", "-minrate", "20M",
                                                                              "-bufsize", "20M"))

    facts = probe_media(original)

    assert facts.extra["video_bit_rate"] > video.REMUX_MAX_BIT_RATE
    assert video.plan_video(facts) == "transcode"


def test_the_poster_shows_a_frame_from_the_film(tmp_path):
    original = clip(tmp_path / "film.mp4", size="640x360", seconds=20, rate=10)

    facts, _rendition, poster = render(original, tmp_path)

    with Image.open(poster.path) as picture:
        assert picture.size == (640, 360)
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 16)
    # testsrc2's moving pattern, not a black or grey frame.
    assert colours is None or len(colours) > 50
    assert poster.content_type == "image/jpeg"


def test_interlaced_camera_footage_comes_out_progressive(tmp_path):
    original = clip(tmp_path / "camera.mp4", size="720x576", rate=25, seconds=1,
                    extra=("-vf", "tinterlace=4", "-flags", "+ildct+ilme", "-x264-params", "tff=1"))
    facts = probe_media(original)
    assert facts.extra["field_order"] == "tt"

    _facts, rendition, _poster = render(original, tmp_path)

    assert video.plan_video(facts) == "transcode"
    # ffmpeg's interlace detector looks at the pictures themselves: combing between the lines, or none.
    seen = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-i", str(rendition.path), "-vf", "idet", "-f", "null",
                           "-"], capture_output=True, check=True, text=True).stderr
    detected = re.search(r"Multi frame detection: TFF:\s*(\d+) BFF:\s*(\d+) Progressive:\s*(\d+)", seen)
    top_first, bottom_first, progressive = (int(n) for n in detected.groups())
    assert top_first + bottom_first == 0 and progressive > 5


@pytest.mark.parametrize(("name", "codec", "audio", "options"), [
    ("iphone.mov", "libx265", "aac", ("-tag:v", "hvc1", "-x265-params", "log-level=error")),  # what iPhones film
    ("browser.webm", "libvpx", "libopus", ("-deadline", "realtime", "-cpu-used", "8", "-live", "1")),  # a recording
])
def test_what_phones_and_browsers_record_becomes_h264(tmp_path, name, codec, audio, options):
    original = clip(tmp_path / name, size="640x360", seconds=1, video=codec, audio=audio, extra=options)

    facts, rendition, _poster = render(original, tmp_path)

    assert video.plan_video(facts) == "transcode"
    assert facts.duration_seconds == pytest.approx(1.0, abs=0.1)
    codecs = [s["codec_name"] for s in described(rendition.path)["streams"]]
    assert codecs == ["h264", "aac"]


def test_a_rendition_is_never_longer_than_the_checked_duration(tmp_path):
    original = clip(tmp_path / "film.mp4", size="320x240", rate=10, seconds=12)
    facts = probe_media(original)
    facts.duration_seconds = 4.0  # as if a header had fooled the probe
    out = tmp_path / "out"
    out.mkdir()

    for how in ("remux", "transcode"):
        rendition = video.render_video(original, out, facts, how=how)
        assert float(described(rendition.path)["format"]["duration"]) < 7


@pytest.mark.parametrize("threads", [1, 2])
def test_a_deployer_caps_the_threads_each_transcode_takes(tmp_path, settings, threads):
    """MEDIA_THREADS: with a worker per core, each transcode keeps to its share (x264 writes what it used)."""
    settings.MEDIA_THREADS = threads
    original = clip(tmp_path / "old-phone.mov", video="mpeg4")
    facts = probe_media(original)
    out = tmp_path / "out"
    out.mkdir()
    rendition = video.render_video(original, out, facts, how="transcode")
    assert re.search(rb"\bthreads=(\d+)", rendition.path.read_bytes()).group(1) == str(threads).encode()
    assert [s["codec_name"] for s in described(rendition.path)["streams"]] == ["h264", "aac"]
