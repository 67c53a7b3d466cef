"""B3: 20 s 1080p clips to the 720p rendition on this machine: speed measured, quality and size beside it.

Two clips are made here with ffmpeg, 30 frames a second, as a camera writes
them (H.264 at 24 Mb/s with AAC sound):

- `motion`: a detailed picture (B1's photograph: texture at every scale, hard
  edges, text) zoomed into and drifting, with a moving test card crossing it;
- `camera`: a hand-held pan across the same scene, with shake, sensor noise
  changing every frame (uniform ±6 levels, as a phone in dim light) and a
  slight flicker of exposure.

Each transcode runs through the worker's own code (`render_video`), so the
child process, its limits and its probing all count. Quality is ffmpeg's
`ssim` filter, frame by frame, against the source scaled to 720p with
Lanczos; the rendition's video bit rate is reported beside it. The realtime
factor is the clip's length over the wall-clock time of its transcode,
measured (the machine's load before and after says how much of the two cores
was free); the CPU time per second of video is given too. A compliant 720p
clip is copied (remux) and, for comparison, transcoded; the poster frame is
timed against the transcode.

Targets: realtime factor ≥ 1.5 (median of rounds, each clip); SSIM ("All",
Y, U and V as ffmpeg weights them) ≥ 0.95 for each clip; the remux ≥ 20×
cheaper than transcoding the same clip; the poster ≤ 10% of a transcode.
"""

import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks import common
from submissions.enums import Spec

ROOT = common.ROOT
SECONDS = 20
ROUNDS = 3
SSIM_TARGET = 0.95
REALTIME_TARGET = 1.5


def _configure() -> None:
    """The worker's own settings (MEDIA_THREADS, the limits): the transcode runs as a worker runs it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True,
                   timeout=1200)


CAMERA_LIKE = ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "24M", "-maxrate", "30M", "-bufsize", "30M",
               "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k"]


def make_clips(folder: Path, *, size: tuple[int, int] = (1920, 1080), seconds: int = SECONDS) -> dict[str, Path]:
    """The two source clips (see the module's note) and a compliant 720p clip, made in `folder`."""
    from benchmarks.b1_images import photo

    width, height = size
    scene = folder / "scene.jpg"
    photo(scene, (width * 5 // 3, width * 10 // 9))
    wide = width * 5 // 3
    clips = {"motion": folder / "motion.mp4", "camera": folder / "camera.mp4"}
    card_w, card_h = width // 4, height // 4
    _ffmpeg(
        "-i", str(scene), "-f", "lavfi", "-i", f"testsrc2=size={card_w}x{card_h}:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-filter_complex",
        f"[0:v]scale={wide}:-2,loop=loop=-1:size=1:start=0,fps=30,"
        f"zoompan=z='1.0+0.6*on/{seconds * 30}':x='iw/2-(iw/zoom/2)+{wide // 16}*sin(on/60)':y='ih/2-(ih/zoom/2)'"
        f":d=1:s={width}x{height}:fps=30[bg];"
        f"[bg][1:v]overlay=x='mod(t*{width // 8},{width})':y='{height // 5}+{height // 10}*sin(t)'[v]",
        "-map", "[v]", "-map", "2:a", "-t", str(seconds), *CAMERA_LIKE, str(clips["motion"]),
    )  # fmt: skip
    _ffmpeg(
        "-i", str(scene), "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
        "-filter_complex",
        f"[0:v]scale={wide}:-2,loop=loop=-1:size=1:start=0,fps=30,"
        f"crop={width}:{height}:x='(iw-{width})*t/{seconds}+{width // 160}*sin(t*9)'"
        f":y='(ih-{height})/2+(ih-{height})/3*sin(t/3)+{height // 120}*sin(t*7)',"
        "noise=alls=6:allf=t,eq=brightness='0.02*sin(t*2)':eval=frame[v]",
        "-map", "[v]", "-map", "1:a", "-t", str(seconds), *CAMERA_LIKE, str(clips["camera"]),
    )  # fmt: skip
    # A clip a phone set to 720p would send: H.264 High at 4 Mb/s with AAC, copied as it is (remux).
    clips["compliant"] = folder / "compliant.mp4"
    _ffmpeg("-i", str(clips["camera"]), "-vf", "scale=-2:720", "-c:v", "libx264", "-preset", "veryfast",
            "-b:v", "4M", "-maxrate", "4M", "-bufsize", "8M", "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-c:a", "copy", str(clips["compliant"]))
    return clips


def _timed(step, *args, **kwargs) -> tuple[float, float]:
    """(wall seconds, children's CPU seconds) of one step."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    step(*args, **kwargs)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _summary(values: list[float], places: int = 3) -> dict:
    return {"median": round(statistics.median(values), places), "min": round(min(values), places),
            "max": round(max(values), places)}


def run(*, quick: bool = False) -> dict:
    _configure()
    from submissions.media import video
    from submissions.media.ffmpeg import probe_media

    load_before = common.load()
    seconds, rounds, size = (1, 1, (640, 360)) if quick else (SECONDS, ROUNDS, (1920, 1080))
    with tempfile.TemporaryDirectory(dir=ROOT / "var" if (ROOT / "var").is_dir() else None) as folder:
        folder = Path(folder)
        clips = make_clips(folder, size=size, seconds=seconds)
        facts = {name: probe_media(path) for name, path in clips.items()}
        assert video.plan_video(facts["compliant"]) == "remux"
        clip_figures = {}
        for name in ("motion", "camera"):
            times = []
            for round_number in range(rounds):
                out = folder / f"{name}-{round_number}"
                out.mkdir()
                # The smaller quick clips fit 720p already: the transcode is asked for, as the large ones get it.
                times.append(_timed(video.render_video, clips[name], out, facts[name], how="transcode"))
            rendition = folder / f"{name}-0" / Spec.VIDEO
            made = probe_media(rendition)
            quality = common.video_ssim(rendition, clips[name], scale_to=(made.width, made.height))
            walls = [wall for wall, _cpu in times]
            clip_figures[name] = {
                "source": f"{facts[name].width}x{facts[name].height}, {seconds} s, "
                          f"{(facts[name].extra['bit_rate'] or 0) / 1e6:.1f} Mb/s",
                "rendition": f"{made.width}x{made.height}",
                "video_bit_rate_kbps": round((made.extra.get("video_bit_rate") or 0) / 1000),
                "ssim_all": round(quality["all"], 4),
                "ssim_y": round(quality["y"], 4),
                "transcode_wall_seconds": _summary(walls),
                "transcode_cpu_seconds": _summary([cpu for _wall, cpu in times]),
                "realtime_factor_measured": _summary([seconds / wall for wall in walls], 2),
                "cpu_seconds_per_video_second": round(statistics.median(cpu for _w, cpu in times) / seconds, 3),
            }
        figures: dict[str, list[tuple[float, float]]] = {"remux": [], "forced": [], "poster": [], "transcode": []}
        for round_number in range(rounds):
            out = folder / f"other{round_number}"
            for name in figures:
                (out / name).mkdir(parents=True)
            figures["transcode"].append(_timed(video.render_video, clips["motion"], out / "transcode",
                                               facts["motion"], how="transcode"))
            figures["poster"].append(_timed(video.render_poster, clips["motion"], out / "poster", facts["motion"]))
            figures["remux"].append(_timed(video.render_video, clips["compliant"], out / "remux",
                                           facts["compliant"]))
            figures["forced"].append(_timed(video.render_video, clips["compliant"], out / "forced",
                                            facts["compliant"], how="transcode"))
        peak_child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    wall = {name: [w for w, _cpu in values] for name, values in figures.items()}
    remux_ratio = [forced / remux for forced, remux in zip(wall["forced"], wall["remux"], strict=True)]
    poster_share = [poster / transcode for poster, transcode in zip(wall["poster"], wall["transcode"], strict=True)]
    result = {
        "cores": os.cpu_count(),
        "x264": f"-preset {video.X264_PRESET} -x264-params {video.X264_PARAMS} -crf {video.X264_CRF} "
                f"-maxrate {video.MAX_VIDEO_BIT_RATE} -bufsize {video.VIDEO_BUFFER}",
        "clips": clip_figures,
        "realtime_target": f">= {REALTIME_TARGET} (measured, median of {rounds} rounds)",
        "ssim_target": f">= {SSIM_TARGET} (ffmpeg ssim All, against the source scaled to 720p)",
        "remux_wall_seconds": _summary(wall["remux"]),
        "transcode_of_compliant_wall_seconds": _summary(wall["forced"]),
        "remux_cheaper_by": _summary(remux_ratio, 1),
        "remux_target": ">= 20",
        "poster_wall_seconds": _summary(wall["poster"]),
        "poster_share_of_transcode": _summary(poster_share),
        "poster_target": "<= 0.10",
        "peak_child_rss_mb": round(peak_child_rss_mb, 1),
        "load_average_before_after": [load_before, common.load()],
    }
    result["checks"] = {
        "realtime": all(c["realtime_factor_measured"]["median"] >= REALTIME_TARGET for c in clip_figures.values()),
        "quality": all(c["ssim_all"] >= SSIM_TARGET for c in clip_figures.values()),
        "remux": result["remux_cheaper_by"]["median"] >= 20,
        "poster": result["poster_share_of_transcode"]["median"] <= 0.10,
    }
    result["met"] = all(result["checks"].values())
    return result


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
