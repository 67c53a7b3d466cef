"""Each shared fact is written once: the rendition names, the language codes, "a file not replaced"."""

import re

import pytest

from submissions.enums import Spec
from tests.conftest import ROOT

APPS = ("accounts", "contest", "submissions", "judging", "results", "voting", "demo", "health", "benchmarks")


def python_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, path.read_text()


@pytest.mark.parametrize("spec", list(Spec))
def test_a_rendition_name_is_written_only_in_the_enum(spec):
    quoted = re.compile(rf"""["']{re.escape(spec.value)}["']""")
    found = [str(path.relative_to(ROOT)) for path, text in python_sources() if quoted.search(text)]
    assert found == ["submissions/enums.py"]


def test_a_file_not_replaced_is_asked_for_in_one_place():
    found = [str(path.relative_to(ROOT)) for path, text in python_sources() if "replaced_at__isnull" in text]
    assert found == ["submissions/models.py"]


def test_the_language_codes_are_listed_once():
    pattern = re.compile(r"for code, _\w* in settings\.LANGUAGES\b|\.replace\([\"']-[\"'], [\"']_[\"']\)")
    found = [str(path.relative_to(ROOT)) for path, text in python_sources() if pattern.search(text)]
    assert found == []
