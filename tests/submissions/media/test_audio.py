"""Sound recordings: checks with the entrant's message, an AAC rendition without tags, and a waveform picture."""

import json
import subprocess

import pytest
from PIL import Image

from contest.enums import MediaKind
from contest.models import Category
from submissions.media import audio
from submissions.media.base import MediaRejected
from submissions.media.ffmpeg import probe_media

from .media_files import CAMERA, LATITUDE, LOCATION, STREET, clip, ffmpeg, sound


def audio_category(**limits) -> Category:
    values = {"media_kind": MediaKind.AUDIO, "allowed_formats": ["mp3", "m4a", "wav", "ogg"],
              "max_duration_seconds": 300}
    return Category(**(values | limits))


def refusal(path, category=None) -> MediaRejected:
    with pytest.raises(MediaRejected) as caught:
        audio.check_audio(probe_media(path), category or audio_category())
    return caught.value


def streams(path) -> list[dict]:
    found = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format",
                            str(path)], capture_output=True, check=True, text=True)
    return json.loads(found.stdout)


@pytest.mark.parametrize(("name", "codec", "container"), [
    ("song.mp3", "libmp3lame", "mp3"), ("song.m4a", "aac", "m4a"), ("song.wav", "pcm_s16le", "wav"),
    ("song.ogg", "libopus", "ogg"),
])
def test_each_kind_of_recording_the_category_takes_is_described(tmp_path, name, codec, container):
    facts = probe_media(sound(tmp_path / name, seconds=3, codec=codec))

    audio.check_audio(facts, audio_category())
    assert (facts.kind, facts.container, facts.has_audio, facts.has_video) == ("audio", container, True, False)
    assert facts.duration_seconds == pytest.approx(3.0, abs=0.1)


def test_a_recording_over_the_limit_gets_its_length_and_the_limit(tmp_path):
    long_song = sound(tmp_path / "song.mp3", seconds=312, codec="libmp3lame", extra=("-b:a", "32k"))

    refused = refusal(long_song)

    assert refused.code == "too_long"
    assert refused.message == (
        "Your recording is 5 min 12 s long; this category allows at most 5 minutes. Shorten it and upload it again."
    )


def test_a_video_sent_to_the_audio_category_is_refused(tmp_path):
    refused = refusal(clip(tmp_path / "song.m4a", seconds=1))

    assert refused.code == "not_audio"
    assert "this category takes sound recordings" in refused.message


def test_a_webm_recording_is_refused_when_the_category_does_not_list_it(tmp_path):
    refused = refusal(sound(tmp_path / "song.ogg", codec="libopus", extra=("-f", "webm")))

    assert refused.code == "format_not_allowed"
    assert refused.message == (
        "This recording is a WEBM file, which this category does not take. Export it as MP3, M4A, WAV or OGG and "
        "upload it again."
    )


def test_the_rendition_is_aac_without_tags_or_cover_art(tmp_path):
    plain = sound(tmp_path / "plain.wav", seconds=2, codec="pcm_s16le")
    cover = tmp_path / "cover.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1", str(cover))
    tagged = tmp_path / "song.mp3"
    ffmpeg("-i", str(plain), "-i", str(cover), "-map", "0", "-map", "1", "-c:a", "libmp3lame", "-c:v", "png",
           "-disposition:v", "attached_pic", "-metadata", f"artist={STREET}", "-metadata", f"location={LOCATION}",
           "-metadata", f"comment={CAMERA}", str(tagged))
    out = tmp_path / "out"
    out.mkdir()

    facts = probe_media(tagged)
    audio.check_audio(facts, audio_category())  # cover art is not a picture track
    rendition = audio.render_audio(tagged, out, facts)

    info = streams(rendition.path)
    assert [s["codec_name"] for s in info["streams"]] == ["aac"]
    assert set(info["format"].get("tags", {})) <= {"major_brand", "minor_version", "compatible_brands"}
    data = rendition.path.read_bytes()
    assert STREET.encode() not in data and LATITUDE.encode() not in data and CAMERA.encode() not in data
    assert (rendition.spec, rendition.content_type) == ("audio.m4a", "audio/mp4")
    assert float(info["format"]["duration"]) == pytest.approx(2.0, abs=0.1)


def test_an_aac_recording_is_copied_not_encoded_again(tmp_path):
    original = sound(tmp_path / "song.m4a", seconds=2, codec="aac", extra=("-b:a", "96k"))
    out = tmp_path / "out"
    out.mkdir()

    rendition = audio.render_audio(original, out, probe_media(original))

    before = [s for s in streams(original)["streams"]][0]
    after = [s for s in streams(rendition.path)["streams"]][0]
    assert after["bit_rate"] == before["bit_rate"]  # a new encoding at 160k would differ
    assert after["nb_frames"] == before["nb_frames"]


def test_the_waveform_shows_the_recording_swell_and_fade(tmp_path):
    # The tone's loudness follows |sin(πt/2)| over four seconds: silent, loud, silent, loud, silent.
    original = sound(tmp_path / "song.wav", seconds=4, codec="pcm_s16le")
    out = tmp_path / "out"
    out.mkdir()

    waveform = audio.render_waveform(original, out, probe_media(original))

    with Image.open(waveform.path) as picture:
        assert picture.format == "PNG" and picture.size == (1200, 240)
        alpha = picture.convert("RGBA").getchannel("A")
        heights = [sum(1 for y in range(240) if alpha.getpixel((x, y))) for x in range(0, 1200, 100)]
    assert max(heights) > 100  # loud: a tall stroke
    assert heights[0] < max(heights) / 3  # the quiet start is short
    assert heights[6] < max(heights) / 3  # and so is the quiet middle (t = 2 s)
    assert (waveform.spec, waveform.content_type) == ("waveform.png", "image/png")


def test_an_audio_rendition_is_never_longer_than_the_checked_duration(tmp_path):
    original = sound(tmp_path / "song.mp3", seconds=12, codec="libmp3lame")
    facts = probe_media(original)
    facts.duration_seconds = 4.0  # as if a header had fooled the probe
    out = tmp_path / "out"
    out.mkdir()

    rendition = audio.render_audio(original, out, facts)

    assert float(streams(rendition.path)["format"]["duration"]) < 7
