"""S1: how the media pipeline grows with workers: 1, 2 and 4 worker processes on one queue, 60 mixed jobs of real work.

24 files are sent at once (6 videos: B3's 6 s 1080p hand-held clip, each
checked, transcoded to 720p and given a poster; 6 recordings: checked,
AAC, waveform; 12 of B1's detailed 24-megapixel photographs: checked, web
images): 60 jobs. Worker processes with one process each, all taking both
queues, work through them; the time from the first file sent to the last job
done gives the throughput, compared with one worker's in the same run. Each
run checks that no job was taken twice and no rendition made twice.

The machine's cores are stated with the figures, and its load before and
after: other work on the same cores takes from the workers' share. Video jobs
let ffmpeg use every core (a lone transcode finishes sooner, see B3), so on
two cores a second worker gains most on photos and sound, and a fourth gains
nothing a second did not.

Target on this 2-core machine: 2 workers ≥ 1.7× the throughput of one.
"""

import os
import sys
import tempfile
from pathlib import Path

from benchmarks import b6_jobs, common

ROOT = common.ROOT
FILES = {"video": 6, "audio": 6, "image": 12}
WORKERS = (1, 2, 4)
TARGET_TWO = 1.7


def run(*, quick: bool = False) -> dict:
    import redis

    url = b6_jobs.redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return {"skipped": f"Redis at {url} does not answer: {error}", "met": False}
    load_before = common.load()
    bench_root = ROOT / "var" / "bench"
    bench_root.mkdir(parents=True, exist_ok=True)
    plan = {"files": {"video": 1, "audio": 1, "image": 2} if quick else FILES, "interval": 0.0}
    counts = (1, 2) if quick else WORKERS
    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=bench_root) as name:
        folder = Path(name)
        b6_jobs.make_media(folder, quick=quick)
        database_url, drop = b6_jobs.database(folder)
        env = b6_jobs.environment(folder, database_url, url)
        try:
            b6_jobs.prepare(env)
            for count in counts:
                runs[str(count)] = b6_jobs.measure_layout(env, folder, f"s1-{count}-workers",
                                                          ["default,media"] * count, plan)
        finally:
            redis.Redis.from_url(url).flushdb()
            drop()
    one = runs["1"]["throughput_jobs_per_minute"]
    ratios = {count: round(figures["throughput_jobs_per_minute"] / max(one, 1e-9), 2)
              for count, figures in runs.items()}
    result = {
        "jobs_per_run": runs["1"]["jobs"],
        "cores": os.cpu_count(),
        "cores_this_process_may_use": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "throughput_jobs_per_minute": {count: figures["throughput_jobs_per_minute"] for count, figures in runs.items()},
        "makespan_s": {count: figures["makespan_s"] for count, figures in runs.items()},
        "throughput_ratio_vs_one_worker": ratios,
        "target": f"2 workers >= {TARGET_TWO}x one",
        "taken_more_than_once": {count: figures["retried"] for count, figures in runs.items()},
        "duplicate_renditions": {count: figures["duplicate_renditions"] for count, figures in runs.items()},
        "lost_or_failed": {count: figures["lost"] + figures["failed"] for count, figures in runs.items()},
        "run_seconds_p50_by_kind_one_worker": runs["1"]["run_seconds_p50_by_kind"],
        "load_average_before_after": [load_before, common.load()],
    }
    result["checks"] = {
        "two_workers": ratios.get("2", 0) >= TARGET_TWO,
        "no_job_taken_twice": not any(result["taken_more_than_once"].values()),
        "no_duplicate_rendition": not any(result["duplicate_renditions"].values()),
        "nothing_lost_or_failed": not any(result["lost_or_failed"].values()),
    }
    result["met"] = all(result["checks"].values())
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
