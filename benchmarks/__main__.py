"""`make bench`: run the benchmarks and write benchmarks/report.json and the table in README.md.

A benchmark is a module `benchmarks/b<N>_<name>.py` (or `s<N>_…` for scale-out)
with a function `run(*, quick=False) -> dict` returning its figures, its
targets and whether each was met, measured against a baseline in the same
run. `python -m benchmarks b1_images b3_video` runs those alone and keeps the
others' last figures in the report. `--quick` runs each on small inputs, once
(the test suite does, so a benchmark that no longer runs fails CI): its
targets are not checked and nothing is written.
"""

import datetime
import importlib
import inspect
import json
import pkgutil
import re
import statistics
import sys
from pathlib import Path

from benchmarks import common

HERE = Path(__file__).resolve().parent
REPORT = HERE / "report.json"
README = HERE.parent / "README.md"
TABLE_START, TABLE_END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"


def names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if re.match(r"[bs]\d+_", m.name))


def _mark(met) -> str:
    return "met" if met else "**not met**"


def _rows(name: str, result: dict) -> list[tuple[str, str, str, str]]:
    """(benchmark, figure, target, met) lines for the README's table."""
    checks = result.get("checks", {})
    if "skipped" in result or "error" in result:
        return [(name, result.get("skipped") or "failed: " + " ".join(result.get("error", []))[-200:], "", "not run")]
    if name.startswith("b1"):
        strong = min(result["variants"][v]["cpu_seconds_median"] for v in ("stock_pillow", "pyvips")
                     if v in result["variants"])
        files = result["quality_per_file"]
        return [
            (name, f"CPU {result['variants']['voices']['cpu_seconds_median']} s; plain Pillow "
                   f"{result['variants']['plain']['cpu_seconds_median']} s "
                   f"({result['speedup_cpu_vs_plain_median']}×)", "≥ 3×", _mark(checks["speedup_vs_plain"])),
            (name, f"vs the faster of stock Pillow and pyvips ({strong} s): "
                   f"{result['speed_ratio_cpu_vs_fastest_strong_median']}×", "≥ 1.0",
             _mark(checks["no_slower_than_strong"])),
            (name, f"work's peak memory {result['work_peak_rss_mb_voices']} MB "
                   f"(smallest of theirs {result['work_peak_rss_mb_smallest_strong']} MB)", "≤ theirs + 10 MB",
             _mark(checks["memory"])),
            (name, "SSIM vs lossless reference: " + ", ".join(
                f"{spec} {f['ssim_voices']} (best {f['ssim_best']})" for spec, f in files.items()),
             "≥ best − 0.005", _mark(checks["quality"])),
            (name, "bytes, 4 files, vs " + ", ".join(
                f"{v}: {r}×" for v, r in result["bytes_total_ratio_vs_strong"].items()), "≤ 1.05×",
             _mark(checks["bytes"])),
        ]
    if name.startswith("b3"):
        rows = []
        for clip, figures in result["clips"].items():
            rows.append((name, f"{clip}: realtime ×{figures['realtime_factor_measured']['median']} (measured), "
                               f"SSIM {figures['ssim_all']}, {figures['video_bit_rate_kbps']} kb/s",
                         "≥ 1.5×, ≥ 0.95", f"{_mark(figures['realtime_factor_measured']['median'] >= 1.5)}, "
                                           f"{_mark(figures['ssim_all'] >= 0.95)}"))
        rows.append((name, f"remux {result['remux_cheaper_by']['median']}× cheaper; poster "
                           f"{result['poster_share_of_transcode']['median']} of a transcode", "≥ 20×, ≤ 0.10",
                     f"{_mark(checks['remux'])}, {_mark(checks['poster'])}"))
        return rows
    if name.startswith("b5"):
        low, high = result["throughput_ratio_range"]
        return [
            (name, f"{result['mib_per_round']} MiB through tus, {result['rounds']} rounds: median "
                   f"{statistics.median(result['upload_mib_per_s'])} MiB/s against dd conv=fdatasync's "
                   f"{statistics.median(result['disk_mib_per_s'])} MiB/s: {result['throughput_ratio']}× "
                   f"(rounds {low}–{high}×; {result['throughput_ratio_to_direct_disk']}× dd oflag=direct)",
             "≥ 0.8×", _mark(checks["throughput"])),
            (name, f"server memory growth {result['server_rss_growth_mb']} MB; "
                   f"{result['server_cpu_s_per_gib']} s of server CPU a GiB", "< 50 MB",
             _mark(checks["memory"])),
            (name, f"bytes written to disk per byte sent: {result['disk_writes_per_byte']}", "≤ 2",
             _mark(checks["disk_writes"])),
        ]
    if name.startswith("b6"):
        return [
            (name, f"lost {result['lost']}, duplicate renditions {result['duplicate_renditions']}, "
                   f"taken twice {result['taken_more_than_once']}", "0, 0, 0",
             _mark(checks["nothing_lost_or_failed"] and checks["no_duplicate_rendition"]
                   and checks["no_job_taken_twice"])),
            (name, f"short jobs' wait p95 {result['short_wait_p95_s']} s "
                   f"(shared pool {result['shared_workers']['short_wait_p95_s']} s)", "< 5 s",
             _mark(checks["short_wait"])),
            (name, f"makespan {result['makespan_s']} s vs shared pool {result['makespan_s_shared_workers']} s "
                   f"({result['makespan_ratio_vs_shared_workers']}×)", "≤ 1.25×", _mark(checks["makespan"])),
        ]
    if name.startswith("b7"):
        pages = result["pages"]
        rows = [(name, f"assignment of {result['entries']:,} entries: "
                       f"{result['assignment']['facts_seconds'] + result['assignment']['planner_seconds']:.1f} s plan, "
                       f"{result['assignment']['service_seconds']} s write", "< 10 s",
                 _mark(checks["assignment_under_10_s"]))]
        about = result.get("p95_vs_about_page", {})
        for page, figures in pages.items():
            versus = f" ({about[page]}× the about page)" if page in about else ""
            rows.append((name, f"{page}: p95 {figures['p95_ms']} ms{versus}, {figures['queries']} queries "
                               f"({result['queries_small_contest'][page]} at {100}), {figures['html_kb']} KB",
                         "< 50 ms, same, ≤ 200 KB",
                         ", ".join(_mark(checks[c][page]) for c in ("p95_under_50_ms", "queries_constant",
                                                                     "html_at_most_200_kb"))))
        return rows
    if name.startswith("b8"):
        up, signs = result["uploads"], result["sign_ins"]
        base, rush = result["pages_baseline"], result["pages_during_uploads"]
        ratio = result["pages_ratio_rush_to_baseline"]
        nodes = ", ".join(f"{node} {figures['peak_mb']} MB" for node, figures in result["node_rss_mb"].items())
        return [
            (name, f"{up['right_sha256']}/{up['asked']} uploads of {result['scale']['min_mib']}–"
                   f"{result['scale']['max_mib']} MiB at {result['scale']['rate_kib']} KiB/s each with the right "
                   f"SHA-256 ({up['dropped_and_resumed_on_the_other_node']} dropped once and resumed on the other "
                   f"node); {result['answers_5xx']} 5xx", "all, 0",
             _mark(checks["every_upload_right_sha256"] and checks["no_5xx"])),
            (name, f"pages during uploads p50/p95/p99 {rush['p50_ms']}/{rush['p95_ms']}/{rush['p99_ms']} ms; "
                   f"without {base['p50_ms']}/{base['p95_ms']}/{base['p99_ms']} ms; p95 ratio {ratio['p95_ms']}×",
             "p95 < 500 ms, p99 < 1 s, ≤ 2×", ", ".join(_mark(checks[c]) for c in (
                 "p95_during_uploads", "p99_during_uploads", "p95_ratio"))),
            (name, f"{signs['signed_in']}/{signs['asked']} sign-ins from one address in {signs['all_done_within_s']} s",
             "all, ≤ 60 s", _mark(checks["every_sign_in_within_a_minute"])),
            (name, f"node memory peak (master and workers): {nodes}; growth during uploads "
                   f"{result['node_rss_growth_mb_max']} MB", "growth < 100 MB", _mark(checks["node_rss_bounded"])),
        ]
    if name.startswith("b9"):
        hashers = result["hashers"]
        chosen, baseline = hashers["chosen_argon2id_19mib"], hashers["baseline_pbkdf2_django_default"]
        return [
            (name, f"one sign-in's CPU: Argon2id (19 MiB) {chosen['sign_in_cpu_ms']} ms against PBKDF2 (Django's "
                   f"default) {baseline['sign_in_cpu_ms']} ms: {result['chosen_vs_baseline_sign_in_cpu']}×; a "
                   f"class of 40 {result['class_of_40_cpu_seconds']} s against "
                   f"{result['class_of_40_cpu_seconds_baseline']} s",
             "≤ 0.25×", _mark(checks["ratio_at_most_a_quarter"])),
            (name, "signed in: " + ", ".join(f"{hasher} {figures['signed_in']}"
                                             for hasher, figures in hashers.items()),
             "every one", _mark(checks["every_sign_in_succeeded"])),
        ]
    if name.startswith("s1"):
        one, every = result["one_thread_per_job"], result["every_core_per_job"]
        return [
            (name, f"one thread a job (MEDIA_THREADS=1): throughput vs 1 worker {one['throughput_ratio_vs_one_worker']}"
                   f" ({result['cores']} cores); taken twice {result['taken_more_than_once']}",
             "2 workers ≥ 1.7×", _mark(checks["two_workers"])),
            (name, f"jobs a minute, one thread a job: {one['throughput_jobs_per_minute']}; every core a job "
                   f"(MEDIA_THREADS=0): {every['throughput_jobs_per_minute']}", "", ""),
        ]
    return [(name, "", "", _mark(result.get("met")))]


def table(report: dict) -> str:
    lines = ["| benchmark | measured | target | |", "|---|---|---|---|"]
    for name, result in report["benchmarks"].items():
        for bench, figure, target, met in _rows(name, result):
            lines.append(f"| {bench} | {figure} | {target} | {met} |")
        if load := result.get("load_average_before_after"):
            before, after = (value[0] if isinstance(value, list) else value for value in load)
            when = result.get("measured_at", "")[:16].replace("T", " ")
            lines.append(f"| {name} | measured {when} UTC; machine's load average (1 min), before → after: "
                         f"{before} → {after} | | |")
    return "\n".join(lines)


def write_readme(report: dict) -> None:
    text = README.read_text()
    if TABLE_START not in text:
        return
    head, rest = text.split(TABLE_START, 1)
    _old, tail = rest.split(TABLE_END, 1)
    versions = ", ".join(f"{k} {v}" for k, v in report["versions"].items())
    body = (f"\n{table(report)}\n\nReport written {report['measured_at']} on {report['machine']['cores']} cores; "
            f"{versions}.\n")
    README.write_text(head + TABLE_START + body + TABLE_END + tail)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    chosen = [a for a in argv if not a.startswith("--")] or names()
    unknown = set(chosen) - set(names())
    if unknown:
        print(f"No such benchmark: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    report = json.loads(REPORT.read_text()) if REPORT.exists() and not quick else {}
    report.setdefault("benchmarks", {})
    for name in chosen:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"--- {name}", flush=True)
        takes_quick = "quick" in inspect.signature(module.run).parameters
        if quick and not takes_quick:
            print(f"{name} has no quick mode: skipped", flush=True)
            continue
        result = module.run(quick=quick) if takes_quick else module.run()
        result["measured_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        print(json.dumps(result, indent=2), flush=True)
        kept = report["benchmarks"].get(name, {})
        if "skipped" in result and kept and "skipped" not in kept and "error" not in kept:
            # Not run here (no PostgreSQL, say): the figures of the last run that measured stay, with their date.
            print(f"{name} was not run: the report keeps its figures of {kept.get('measured_at')}", flush=True)
            continue
        report["benchmarks"][name] = result
    if quick:
        return 0
    report["benchmarks"] = dict(sorted(report["benchmarks"].items()))
    report["machine"] = common.machine()
    report["versions"] = common.versions()
    report["measured_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_readme(report)
    missed = [name for name, result in report["benchmarks"].items() if not result.get("met", True)]
    if missed:
        print("Targets missed: " + ", ".join(missed), file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
