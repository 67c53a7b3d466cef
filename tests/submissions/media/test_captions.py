"""Captions: SRT or WebVTT in, clean WebVTT out, and a message naming the line when a timing is wrong."""

import subprocess

import pytest

from submissions.media.base import MediaRejected
from submissions.media.captions import to_webvtt

SRT = (
    "1\r\n"
    "00:00:01,000 --> 00:00:04,250\r\n"
    "<i>We planted the field again</i>\r\n"
    "after it was cleared.\r\n"
    "\r\n"
    "2\r\n"
    "00:00:05,500 --> 00:00:07,000\r\n"
    "Tom & Amira <font color=\"#ff0000\">— 2024</font>\r\n"
    "\r\n"
)


def refusal(data: bytes) -> MediaRejected:
    with pytest.raises(MediaRejected) as caught:
        to_webvtt(data)
    return caught.value


def test_an_srt_file_becomes_webvtt():
    assert to_webvtt(("\ufeff" + SRT).encode()) == (
        "WEBVTT\n"
        "\n"
        "1\n"
        "00:00:01.000 --> 00:00:04.250\n"
        "<i>We planted the field again</i>\n"
        "after it was cleared.\n"
        "\n"
        "2\n"
        "00:00:05.500 --> 00:00:07.000\n"
        "Tom &amp; Amira — 2024\n"
    )


def test_the_webvtt_made_is_one_a_player_reads(tmp_path):
    vtt = tmp_path / "captions.vtt"
    vtt.write_text(to_webvtt(SRT.encode()))

    found = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "packet=pts_time,duration_time",
                            "-print_format", "csv=p=0", str(vtt)], capture_output=True, check=True, text=True)

    assert [line.strip(",") for line in found.stdout.split()] == ["1.000000,3.250000", "5.500000,1.500000"]


def test_a_webvtt_file_keeps_its_cues_and_placement_but_loses_styles_and_notes():
    source = (
        "WEBVTT - made by hand\n"
        "Kind: captions\n"
        "\n"
        "STYLE\n"
        "::cue { background-image: url(https://example.org/track.png) }\n"
        "\n"
        "NOTE who said what\n"
        "\n"
        "intro\n"
        "01:02.500 --> 01:05.000 align:start line:0 onclick:alert(1)\n"
        "<v Amira>Hello</v> <script>alert(1)</script><b>again\n"
    )

    assert to_webvtt(source.encode()) == (
        "WEBVTT\n\n1\n00:01:02.500 --> 00:01:05.000 align:start line:0\nHello alert(1)<b>again</b>\n"
    )


def test_cues_out_of_order_are_put_in_order():
    source = "1\n00:00:05,000 --> 00:00:06,000\nsecond\n\n2\n00:00:01,000 --> 00:00:02,000\nfirst\n"

    assert to_webvtt(source.encode()).index("first") < to_webvtt(source.encode()).index("second")


def test_a_caption_ending_before_it_starts_is_named_by_its_line():
    broken = SRT.replace("00:00:05,500 --> 00:00:07,000", "00:00:07,500 --> 00:00:07,000")

    refused = refusal(broken.encode())

    assert refused.code == "captions_timing"
    assert refused.message == (
        "Line 7 of the captions file ends a caption before it starts (\"00:00:07,500 --> 00:00:07,000\"). "
        "Correct the times and upload the file again."
    )


def test_a_garbled_timing_is_named_by_its_line():
    refused = refusal(SRT.replace("00:00:05,500 --> 00:00:07,000", "00:00:05.5OO --> 00:00:07,000").encode())

    assert refused.message.startswith("Line 7 of the captions file has a timing we cannot read: ")


def test_a_caption_without_a_timing_is_named_by_its_line():
    refused = refusal((SRT + "3\nThanks for watching\n").encode())

    assert refused.message.startswith("Line 11 of the captions file should be a timing such as")


def test_sixty_minutes_in_a_timing_are_refused():
    refused = refusal(b"1\n00:60:00,000 --> 00:61:00,000\nx\n")

    assert "Line 2" in refused.message and "above 59" in refused.message


def test_a_file_that_is_not_utf8_says_so():
    refused = refusal("1\n00:00:01,000 --> 00:00:02,000\nCafé\n".encode("latin-1"))

    assert refused.code == "captions_encoding"
    assert refused.message.startswith("Line 3 of the captions file is not UTF-8 text.")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf\r\n", b"WEBVTT\n\nNOTE nothing to say\n"])
def test_a_file_without_captions_is_refused(data):
    assert refusal(data).code == "captions_empty"
