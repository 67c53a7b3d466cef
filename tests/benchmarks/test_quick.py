"""Every benchmark still runs: each in its quick mode (small inputs, one round), reporting the figures it is
judged on. The targets are checked by `make bench`, on full-size inputs, never here."""

import pytest

import benchmarks.__main__ as bench
from benchmarks import b1_images, b3_video, b5_upload, b6_jobs, b7_judging, b8_rush, b9_sign_in, s1_scaleout

pytestmark = [pytest.mark.benchmark, pytest.mark.services]


def ran(result: dict) -> dict:
    assert "error" not in result and "skipped" not in result, result
    assert isinstance(result["met"], bool) and result["checks"] or "checks" not in result
    return result


def test_b1_measures_every_variant_with_time_memory_bytes_and_ssim():
    result = ran(b1_images.run(quick=True))
    assert set(result["variants"]) == {"voices", "plain", "stock_pillow", "pyvips"}, result["pyvips"]
    for figures in result["variants"].values():
        assert figures["cpu_seconds_median"] > 0 and figures["work_peak_rss_mb_median"] > 0
        assert set(figures["files"]) == {"thumb.webp", "thumb.jpg", "display.webp", "display.jpg"}
        for made in figures["files"].values():
            assert made["bytes"] > 0 and 0.5 < made["ssim"] <= 1
    assert result["speedup_cpu_vs_plain_median"] > 0


def test_b3_measures_speed_quality_and_size_of_both_clips():
    result = ran(b3_video.run(quick=True))
    for clip in ("motion", "camera"):
        figures = result["clips"][clip]
        assert figures["realtime_factor_measured"]["median"] > 0 and figures["video_bit_rate_kbps"] > 0
        assert 0.5 < figures["ssim_all"] <= 1 and 0.5 < figures["ssim_y"] <= 1
    assert result["remux_cheaper_by"]["median"] > 1


def test_b5_sends_a_file_through_gunicorn_and_compares_it_with_dd():
    result = b5_upload.run(quick=True)
    assert result["upload_mib_per_s"][0] > 0 and result["disk_mib_per_s"][0] > 0
    assert result["disk_writes_per_byte"] > 0


def test_b6_runs_both_layouts_to_the_end():
    result = ran(b6_jobs.run(quick=True))
    for layout in ("separate_queues", "shared_workers"):
        figures = result[layout]
        assert figures["jobs"] == 3 * 1 + 3 * 1 + 2 * 3 and figures["lost"] == 0 and figures["failed"] == 0
        assert figures["makespan_s"] > 0
        # Every rendition made is found in storage, and no second copy beside it.
        assert figures["renditions"] > 0 and figures["duplicate_renditions"] == 0


def test_b7_requests_every_page_in_both_contests():
    result = ran(b7_judging.run(quick=True))
    pages = {"judge_queue", "judge_score", "screening", "progress", "results", "results_manage", "entrant_dashboard"}
    assert set(result["pages"]) == pages and set(result["queries_small_contest"]) == pages
    for figures in result["pages"].values():
        assert figures["p95_ms"] > 0 and figures["queries"] > 0 and figures["html_kb"] > 0
    # The about page, the floor, is measured beside, and each page is given against it.
    assert result["floors"]["about_page"]["p95_ms"] > 0 and set(result["p95_vs_about_page"]) == pages


def test_b8_uploads_through_nginx_and_two_nodes_while_pages_are_timed_with_and_without_uploads():
    result = ran(b8_rush.run(quick=True))
    signs = result["sign_ins"]
    assert signs["signed_in"] == signs["asked"] == b8_rush.QUICK["sign_ins"], signs
    uploads = result["uploads"]
    assert uploads["asked"] == uploads["finished"] == uploads["right_sha256"] == b8_rush.QUICK["uploads"], uploads
    assert uploads["dropped_and_resumed_on_the_other_node"] == b8_rush.QUICK["uploads"] // 2
    assert uploads["s3_multipart_uploads_left_open"] == 0 and not uploads["refused"]
    assert result["answers_5xx"] == 0 and result["answers_unexpected"] == 0
    for phase in ("pages_baseline", "pages_during_uploads"):
        pages = result[phase]
        assert pages["requests"] > 0 and 0 < pages["p50_ms"] <= pages["p95_ms"] <= pages["p99_ms"], pages
    assert set(result["pages_ratio_rush_to_baseline"]) == {"p50_ms", "p95_ms", "p99_ms"}
    assert set(result["node_rss_mb"]) == {"a", "b"}
    for node in result["node_rss_mb"].values():
        assert node["baseline_mb"] > 0 and node["rush_peak_mb"] >= node["worker_peak_mb"] > 0
    assert result["cores"] > 0 and len(result["load_average_before_after"]) == 2
    assert set(result["checks"]) >= {"every_upload_right_sha256", "no_5xx", "p95_ratio", "node_rss_bounded"}


def test_s1_runs_one_and_two_workers_on_the_same_jobs():
    result = ran(s1_scaleout.run(quick=True))
    assert set(result["one_thread_per_job"]["throughput_jobs_per_minute"]) == {"1", "2"}
    assert set(result["taken_more_than_once"]) == {"1x1", "2x1"}
    assert result["jobs_per_run"] == 3 + 3 + 2 * 2
    assert not any(result["lost_or_failed"].values())


def test_b9_signs_in_with_each_hasher_and_compares_their_cpu():
    result = ran(b9_sign_in.run(quick=True))
    assert set(result["hashers"]) == set(b9_sign_in.HASHERS)
    for figures in result["hashers"].values():
        assert figures["signed_in"] == f"{b9_sign_in.QUICK_SIGN_INS}/{b9_sign_in.QUICK_SIGN_INS}"
        assert figures["sign_in_cpu_ms"] > 0 and figures["password_check_cpu_ms"] > 0
    assert result["chosen_vs_baseline_sign_in_cpu"] > 0


def test_every_benchmark_has_its_quick_run_here():
    here = {name for name in globals() if name[:1] in "bs" and name[1:2].isdigit()}
    assert here == set(bench.names())
