"""S1: how the media pipeline grows with workers: 1, 2 and 4 worker processes on one queue, 60 mixed jobs of real work.

24 files are sent at once (6 videos: B3's 6 s 1080p hand-held clip, each
checked, transcoded to 720p and given a poster; 6 recordings: checked,
AAC, waveform; 12 of B1's detailed 24-megapixel photographs: checked, web
images): 60 jobs. Worker processes with one process each, all taking both
queues, work through them; the time from the first file sent to the last job
done gives the throughput, compared with one worker's in the same run. Each
run checks that no job was taken twice and no rendition made twice.

The machine's cores are stated with the figures, and its load before and
after: other work on the same cores takes from the workers' share.

Each layout runs twice over, interleaved, with the two settings a deployer
chooses between (settings.MEDIA_THREADS): one thread per job, as for a machine
with a worker per core, and every core per job (0, the default for a lone
worker: a single transcode finishes sooner, see B3). With every core per job,
one worker already keeps both cores busy during a transcode, so a second can
only gain on the photos and sound; the scaling target is read on one thread per
job, and the absolute throughputs of both settings are reported side by side.

Target on this 2-core machine: 2 workers ≥ 1.7× the throughput of one.
"""

import os
import sys
import tempfile
from pathlib import Path

from benchmarks import b6_jobs, common

ROOT = common.ROOT
FILES = {"video": 6, "audio": 6, "image": 12}
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
    runs: dict[tuple[int, int], dict] = {}
    # (workers, MEDIA_THREADS), interleaved so a change in the machine's load falls on both settings alike.
    layouts = [(1, 1), (1, 0), (2, 1), (2, 0), (4, 1)] if not quick else [(1, 1), (2, 1)]
    with tempfile.TemporaryDirectory(dir=bench_root) as name:
        folder = Path(name)
        b6_jobs.make_media(folder, quick=quick)
        database_url, drop = b6_jobs.database(folder)
        env = b6_jobs.environment(folder, database_url, url)
        try:
            b6_jobs.prepare(env)
            for count, threads in layouts:
                runs[(count, threads)] = b6_jobs.measure_layout(
                    {**env, "MEDIA_THREADS": str(threads)}, folder, f"s1-{count}-workers-{threads}-threads",
                    ["default,media"] * count, plan,
                )
        finally:
            redis.Redis.from_url(url).flushdb()
            drop()

    def by_count(threads: int, figure: str) -> dict:
        return {str(count): runs[(count, t)][figure] for count, t in layouts if t == threads}

    one = runs[(1, 1)]["throughput_jobs_per_minute"]
    ratios = {count: round(value / max(one, 1e-9), 2)
              for count, value in by_count(1, "throughput_jobs_per_minute").items()}
    result = {
        "jobs_per_run": runs[(1, 1)]["jobs"],
        "cores": os.cpu_count(),
        "cores_this_process_may_use": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "one_thread_per_job": {
            "throughput_jobs_per_minute": by_count(1, "throughput_jobs_per_minute"),
            "makespan_s": by_count(1, "makespan_s"),
            "throughput_ratio_vs_one_worker": ratios,
        },
        "every_core_per_job": {
            "throughput_jobs_per_minute": by_count(0, "throughput_jobs_per_minute"),
            "makespan_s": by_count(0, "makespan_s"),
        },
        "target": f"2 workers >= {TARGET_TWO}x one, one thread per job",
        "taken_more_than_once": {f"{c}x{t}": f["retried"] for (c, t), f in runs.items()},
        "duplicate_renditions": {f"{c}x{t}": f["duplicate_renditions"] for (c, t), f in runs.items()},
        "lost_or_failed": {f"{c}x{t}": f["lost"] + f["failed"] for (c, t), f in runs.items()},
        "run_seconds_p50_by_kind_one_worker": runs[(1, 1)]["run_seconds_p50_by_kind"],
        "load_average_before_after": [load_before, common.load()],
    }
    every = result["every_core_per_job"]["throughput_jobs_per_minute"]
    if "1" in every:
        result["every_core_per_job"]["throughput_ratio_vs_one_worker"] = {
            count: round(value / max(every["1"], 1e-9), 2) for count, value in every.items()
        }
        # What a deployer of a 2-core machine asks: two one-thread workers against one worker on every core.
        result["two_one_thread_workers_vs_one_every_core_worker"] = round(
            result["one_thread_per_job"]["throughput_jobs_per_minute"]["2"] / max(every["1"], 1e-9), 2
        )
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
