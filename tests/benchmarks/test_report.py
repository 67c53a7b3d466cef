"""`make bench`'s report: a benchmark that could not run here leaves the figures of its last run in place."""

import json

import pytest

import benchmarks.__main__ as bench
from benchmarks import b7_judging


@pytest.fixture
def report(tmp_path, monkeypatch):
    path, readme = tmp_path / "report.json", tmp_path / "README.md"
    measured = {"met": True, "measured_at": "2026-12-01T10:00:00+00:00", "load_average_before_after": [[0.5], [0.7]]}
    path.write_text(json.dumps({"benchmarks": {"b7_judging": measured}}))
    readme.write_text(f"# Voices\n\n{bench.TABLE_START}\nold\n{bench.TABLE_END}\n")
    monkeypatch.setattr(bench, "REPORT", path)
    monkeypatch.setattr(bench, "README", readme)
    monkeypatch.setattr(bench, "_rows", lambda name, result: [(name, "figures", "target", "met")])
    return path, readme


def test_a_benchmark_not_run_keeps_its_last_figures_and_their_date(report, monkeypatch, capsys):
    path, readme = report
    monkeypatch.setattr(b7_judging, "run", lambda quick=False: {"skipped": "B7 needs PostgreSQL", "met": False})
    assert bench.main(["b7_judging"]) == 0
    kept = json.loads(path.read_text())["benchmarks"]["b7_judging"]
    assert kept["met"] is True and kept["measured_at"] == "2026-12-01T10:00:00+00:00"
    assert "keeps its figures of 2026-12-01" in capsys.readouterr().out
    assert "| b7_judging | measured 2026-12-01 10:00 UTC; machine's load average" in readme.read_text()


def test_a_benchmark_that_ran_replaces_its_figures(report, monkeypatch):
    path, readme = report
    monkeypatch.setattr(b7_judging, "run", lambda quick=False: {"met": False, "pages": {}})
    assert bench.main(["b7_judging"]) == 1  # a target missed
    kept = json.loads(path.read_text())["benchmarks"]["b7_judging"]
    assert kept["met"] is False and kept["measured_at"] > "2026-12-01T10:00:00+00:00"


def test_the_readme_table_gives_every_benchmark_its_figures_and_what_it_was_measured_against():
    """The committed report, as README shows it: no benchmark's row left without figures or a verdict."""
    committed = json.loads(bench.REPORT.read_text())
    lines = bench.table(committed).splitlines()[2:]
    for name in bench.names():
        rows = [line.split(" | ") for line in lines if line.startswith(f"| {name} |")]
        assert rows, f"{name} has no row"
        verdicts = [row for row in rows
                    if row[-1].strip(" |") and set(row[-1].strip(" |").split(", ")) <= {"met", "**not met**"}]
        assert verdicts and all(row[1].strip() and row[2].strip() for row in verdicts), rows
        assert any("machine's load average" in row[1] for row in rows), f"{name}: no load average"
