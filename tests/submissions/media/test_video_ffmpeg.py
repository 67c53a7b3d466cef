"""ffmpeg as the worker runs it: a child process that is slowed, fenced in memory and stopped on time."""

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from submissions.media import ffmpeg
from submissions.media.base import MediaRejected, MediaTransient

from .media_files import LATITUDE

ENDLESS = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "null", "-"]


def children_named(name: str, *, parent: int | None = None) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            command, rest = stat[stat.index("(") + 1: stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
            if command == name and int(rest[1]) == (parent or os.getpid()):
                found.append(int(entry.name))
    return found


def test_a_run_past_its_time_is_stopped_and_retried_later():
    started = time.monotonic()

    with pytest.raises(MediaTransient):
        ffmpeg.run("ffmpeg", ENDLESS, timeout=1)

    assert time.monotonic() - started < 10
    assert children_named("ffmpeg") == []  # nothing left running


def test_the_child_runs_at_low_priority_with_a_memory_ceiling():
    outcome = []
    runner = threading.Thread(target=lambda: outcome.append(pytest.raises(MediaTransient, ffmpeg.run, "ffmpeg",
                                                                          ENDLESS, timeout=3)))
    runner.start()
    try:
        deadline = time.monotonic() + 3
        while not (pids := children_named("ffmpeg")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pids, "ffmpeg did not start"
        stat = Path(f"/proc/{pids[0]}/stat").read_text()
        niceness = int(stat[stat.rindex(")") + 2:].split()[16])
        limits = Path(f"/proc/{pids[0]}/limits").read_text()
    finally:
        runner.join()

    assert niceness >= ffmpeg.NICENESS
    address_space = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert str(ffmpeg.MEMORY_LIMIT_BYTES) in address_space
    core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
    assert core.split()[4] == "0"


def test_running_out_of_memory_is_not_blamed_on_the_file(monkeypatch):
    monkeypatch.setattr(ffmpeg, "MEMORY_LIMIT_BYTES", 400 * 1024 * 1024)

    with pytest.raises(MediaTransient):
        ffmpeg.run("ffmpeg", ["-f", "lavfi", "-i", "testsrc2=size=3840x2160:rate=5", "-t", "1", "-c:v", "libx264",
                              "-f", "null", "-"], timeout=60)


def test_what_ffmpeg_says_about_a_file_stays_out_of_the_log(tmp_path, caplog):
    # ffmpeg's complaint quotes the file's name, and names can hold a person or a place.
    named = tmp_path / f"Amira at home {LATITUDE}.mp4"
    named.write_text("#EXTM3U\n#EXTINF:10.0,\nfile:///etc/hostname\n#EXT-X-ENDLIST\n")
    caplog.set_level(logging.DEBUG, logger="submissions.media")

    with pytest.raises(MediaRejected):
        ffmpeg.probe_media(named)

    assert "could not read a file" in caplog.text
    assert "Amira" not in caplog.text and LATITUDE not in caplog.text and str(tmp_path) not in caplog.text


def test_a_missing_ffmpeg_waits_for_the_machine_to_be_fixed(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")

    with pytest.raises(MediaTransient):
        ffmpeg.run("ffprobe", ["-version"], timeout=10)


def test_ffmpeg_dies_with_a_worker_killed_mid_transcode():
    worker = subprocess.Popen(
        [sys.executable, "-c", f"from submissions.media import ffmpeg; ffmpeg.run('ffmpeg', {ENDLESS!r}, timeout=120)"],
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        deadline = time.monotonic() + 20
        while not (transcoding := children_named("ffmpeg", parent=worker.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert transcoding, "ffmpeg did not start"
    finally:
        worker.kill()
        worker.wait()

    deadline = time.monotonic() + 5
    while Path(f"/proc/{transcoding[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{transcoding[0]}").exists()
