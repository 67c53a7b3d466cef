"""Imports run downward: accounts <- contest <- submissions <- judging <- results <- voting <- demo.

Read from the source, not by importing it: every `import` and `from … import` of every module under each
app, at the top or inside a function, and `import_module("…")` with a written name.
"""

import ast

import pytest

from tests.conftest import ROOT

ORDER = ("accounts", "contest", "submissions", "judging", "results", "voting", "demo")


def imported_apps(source: str) -> list[tuple[int, str]]:
    """(line, module) for every absolute import of one of the apps in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in ORDER]
    return sorted(found)


def climbing_imports(app: str) -> list[str]:
    above = set(ORDER[ORDER.index(app) + 1:])
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for line, module in imported_apps(path.read_text()):
            if module.split(".")[0] in above:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return problems


@pytest.mark.parametrize("app", ORDER[:-1])
def test_no_app_imports_an_app_above_it(app):
    assert climbing_imports(app) == []


def test_the_reader_finds_imports_inside_functions_and_by_name():
    source = (
        "import os\n"
        "from contest.models import Contest\n"
        "def f():\n"
        "    from judging import services\n"
        "    import results.models\n"
        "    return importlib.import_module('demo.seed')\n"
        "from . import models\n"
    )
    assert imported_apps(source) == [(2, "contest.models"), (4, "judging"), (5, "results.models"), (6, "demo.seed")]


def test_every_app_is_read():
    # The walk above reads real files: each app has modules, and contest's include its migrations and commands.
    for app in ORDER:
        assert len(list((ROOT / app).rglob("*.py"))) > 3, app
    contest = {path.relative_to(ROOT).as_posix() for path in (ROOT / "contest").rglob("*.py")}
    assert {"contest/audit.py", "contest/management/commands/verify_audit.py"} <= contest
    assert not (ROOT / "contest" / "demo.py").exists() and (ROOT / "demo" / "seed.py").exists()
