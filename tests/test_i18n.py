"""Every string the site shows is translated into the six UN languages."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import CI, ROOT

LOCALES = ["ar", "es", "fr", "ru", "zh_Hans"]


def _catalog(locale: str):
    with open(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale):
    untranslated = []
    for message in _catalog(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert not untranslated, f"{len(untranslated)} untranslated in {locale}: {untranslated[:5]}"


def test_the_catalogs_hold_every_string_in_the_code(tmp_path):
    """Extract the strings afresh and compare: nothing new may be left out of the catalogs."""
    if not shutil.which("xgettext"):
        if CI:
            pytest.fail("GNU gettext (xgettext) is needed to check the catalogs: apt-get install gettext")
        pytest.skip("xgettext not installed")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "test-results", "node_modules"))
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "fr",
            "--no-obsolete",
            "--ignore=tests",
            "--ignore=benchmarks",
            "--ignore=var",
            "--ignore=.venv",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "VOICES_VAR_DIR": str(tmp_path / "var")},
    )
    fresh = {m.id for m in read_po(open(copy / "locale/fr/LC_MESSAGES/django.po", "rb")) if m.id}
    kept = {m.id for m in _catalog("fr") if m.id}
    missing = sorted(str(m) for m in fresh - kept)
    assert not missing, f"Run `make makemessages` and translate: {missing[:10]}"


def test_compiled_catalogs_translate_the_page(client, db):
    page = client.get("/ar/about/").content.decode()
    assert 'dir="rtl"' in page
    assert "About Voices" not in page


def test_arabic_uses_its_own_plural_forms():
    catalog = _catalog("ar")
    assert catalog.num_plurals == 6
    assert Path(ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.mo").exists(), "run `make messages`"
