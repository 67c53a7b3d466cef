"""Probing and checking videos: what a file really holds, and the message an entrant gets when it cannot be taken."""

import shutil

import pytest

from contest.enums import MediaKind
from contest.models import Category
from submissions.media import video
from submissions.media.base import MediaRejected
from submissions.media.ffmpeg import probe_media

from .media_files import clip, ffmpeg, lying_about_its_length, sound


def video_category(**limits) -> Category:
    values = {"media_kind": MediaKind.VIDEO, "allowed_formats": ["mp4", "mov", "webm"], "max_duration_seconds": 180}
    return Category(**(values | limits))


def refusal(path, category=None) -> MediaRejected:
    with pytest.raises(MediaRejected) as caught:
        video.check_video(probe_media(path), category or video_category())
    return caught.value


def test_a_phone_video_is_described_by_what_it_holds(tmp_path):
    facts = probe_media(clip(tmp_path / "film.mp4", size="1280x720", rate=30, seconds=2))

    assert (facts.kind, facts.container, facts.video_codec, facts.audio_codec) == ("video", "mp4", "h264", "aac")
    assert (facts.width, facts.height, facts.frame_rate) == (1280, 720, 30.0)
    assert facts.has_video and facts.has_audio
    assert facts.duration_seconds == pytest.approx(2.0, abs=0.1)
    video.check_video(facts, video_category())


def test_a_video_filmed_upright_is_described_upright(tmp_path):
    landscape = clip(tmp_path / "landscape.mp4", size="640x360", seconds=1)
    upright = tmp_path / "upright.mp4"
    # What a phone held upright writes: landscape pixels and a display matrix turning them a quarter.
    ffmpeg("-i", str(landscape), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(upright))

    facts = probe_media(upright)

    assert (facts.width, facts.height) == (360, 640)


def test_an_empty_file_is_refused_as_empty(tmp_path):
    empty = tmp_path / "film.mp4"
    empty.write_bytes(b"")

    with pytest.raises(MediaRejected) as caught:
        probe_media(empty)

    assert caught.value.code == "empty"
    assert caught.value.message == "The file is empty (0 bytes). Upload it again."


def test_an_mp4_cut_before_its_index_cannot_be_read(tmp_path):
    whole = clip(tmp_path / "whole.mp4", seconds=3)  # ffmpeg writes the index (moov) at the end
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    with pytest.raises(MediaRejected) as caught:
        probe_media(cut)

    assert caught.value.code == "unreadable"
    assert "damaged, only partly copied" in caught.value.message


def test_an_mp4_cut_after_its_index_is_refused_as_incomplete(tmp_path):
    whole = clip(tmp_path / "whole.mp4", seconds=3, extra=("-movflags", "+faststart", "-g", "15"))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    with pytest.raises(MediaRejected) as caught:
        probe_media(cut)

    assert caught.value.code == "truncated"
    assert caught.value.message == (
        "This file stops before its end: it was probably not copied or uploaded completely. "
        "Upload the whole file again."
    )


def test_ten_hours_declared_as_three_minutes_is_caught(tmp_path):
    liar = lying_about_its_length(tmp_path / "film.mp4")

    with pytest.raises(MediaRejected) as caught:
        probe_media(liar)

    assert caught.value.code == "duration_mismatch"
    assert caught.value.message == (
        "This file says it lasts 3 minutes but holds 10 hours of recording, so it is damaged or altered. "
        "Export it again from the program you made it with and upload the new file."
    )


def test_ten_hours_told_honestly_is_too_long(tmp_path):
    honest = lying_about_its_length(tmp_path / "film.mp4").with_suffix(".honest.mp4")

    assert refusal(honest).message == (
        "Your video is 10 hours long; this category allows at most 3 minutes. Shorten it and upload it again."
    )


def test_a_video_over_the_limit_gets_its_length_and_the_limit(tmp_path):
    # 4 min 12 s of a tiny, one-frame-a-second picture: long, but cheap to make.
    long_film = clip(tmp_path / "long.mp4", size="64x64", rate=1, seconds=252)

    refused = refusal(long_film)

    assert refused.code == "too_long"
    assert refused.message == (
        "Your video is 4 min 12 s long; this category allows at most 3 minutes. Shorten it and upload it again."
    )


def test_a_second_over_the_limit_is_forgiven(tmp_path):
    video.check_video(probe_media(clip(tmp_path / "film.mp4", size="64x64", rate=10, seconds=3.5)),
                      video_category(max_duration_seconds=3))


def test_an_mp4_with_only_sound_is_not_a_video(tmp_path):
    only_sound = sound(tmp_path / "film.mp4", codec="aac")

    refused = refusal(only_sound)

    assert refused.code == "no_video_stream"
    assert refused.message == (
        "This file has no picture, only sound. Upload the video itself, exported with its picture."
    )


def test_a_picture_named_like_a_video_cannot_be_read(tmp_path):
    picture = tmp_path / "film.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1", "-f", "image2", "-c:v", "png", str(picture))

    with pytest.raises(MediaRejected) as caught:
        probe_media(picture)

    assert caught.value.code == "unreadable"


def test_a_webm_named_mp4_is_judged_by_what_it_is(tmp_path):
    webm = clip(tmp_path / "film.webm", size="320x240", seconds=1, video="libvpx-vp9", audio="libopus")
    disguised = tmp_path / "film.mp4"
    shutil.copy(webm, disguised)

    facts = probe_media(disguised)

    assert (facts.container, facts.video_codec, facts.audio_codec) == ("webm", "vp9", "opus")
    video.check_video(facts, video_category())  # the category takes WebM
    refused = refusal(disguised, video_category(allowed_formats=["mp4", "mov"]))
    assert refused.code == "format_not_allowed"
    assert refused.message == (
        "This video is a WEBM file, which this category does not take. Export it as MP4 or MOV and upload it again."
    )


def test_a_playlist_posing_as_a_video_is_never_followed(tmp_path):
    secret = tmp_path / "secret.ts"
    clip(secret, size="64x64", seconds=1)
    playlist = tmp_path / "film.mp4"
    playlist.write_text(f"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile://{secret}\n#EXT-X-ENDLIST\n")

    with pytest.raises(MediaRejected) as caught:
        probe_media(playlist)

    assert caught.value.code == "unreadable"


def test_an_unusual_codec_is_refused_by_name(tmp_path):
    odd = clip(tmp_path / "film.mkv", size="160x120", seconds=1, video="ffv1", audio=None)

    refused = refusal(odd, video_category(allowed_formats=["mkv"]))

    assert refused.code == "codec_not_allowed"
    assert refused.message == (
        "The picture in this video is encoded as ffv1, which we cannot take. Export it again as MP4 with H.264 "
        "video and upload the new file."
    )


def test_a_picture_larger_than_4k_is_refused_with_its_size(tmp_path):
    huge = clip(tmp_path / "film.mp4", size="4480x2520", rate=1, seconds=1, audio=None)

    refused = refusal(huge)

    assert refused.code == "too_large_picture"
    assert refused.message.startswith("Your video is 4480 × 2520 pixels; we take at most 4096 × 2304 (4K).")


def test_too_many_frames_a_second_are_refused(tmp_path):
    fast = clip(tmp_path / "film.mp4", size="64x64", rate=240, seconds=0.5, audio=None)

    refused = refusal(fast)

    assert refused.code == "frame_rate_too_high"
    assert "240 frames per second; we take at most 120" in refused.message


def test_a_clip_trimmed_without_encoding_again_is_as_long_as_it_plays(tmp_path):
    # Trimming on a phone keeps the pictures before the cut and an edit list saying where playing starts.
    whole = clip(tmp_path / "whole.mp4", size="320x240", seconds=8, extra=("-g", "300"))
    trimmed = tmp_path / "trimmed.mp4"
    ffmpeg("-ss", "5", "-i", str(whole), "-t", "2", "-c", "copy", str(trimmed))

    facts = probe_media(trimmed)

    assert facts.duration_seconds == pytest.approx(2.0, abs=0.1)
    video.check_video(facts, video_category(max_duration_seconds=3))
