"""A permission that nothing asks does not exist: every permission registered with django-rules is asked by the
site's own code, by its name through `has_perm`, or (for one that depends on the time) through the `may_…` function
it was made from, which services call with their own `now`."""

import re
from pathlib import Path

import rules.permissions

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "contest", "submissions", "judging", "results", "voting", "health", "demo", "templates")


def _site_code() -> str:
    """Every module and template of the site, but the rules modules that declare the permissions."""
    texts = []
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if path.suffix in (".py", ".html") and path.name != "rules.py" and "migrations" not in path.parts:
                texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def test_every_registered_permission_is_asked_by_the_site():
    code = _site_code()
    unasked = []
    for name, predicate in rules.permissions.permissions.items():
        asked_by_name = f'"{name}"' in code or f"'{name}'" in code
        functions = re.findall(r"\bmay_\w+", predicate.name)
        asked_by_function = any(re.search(rf"\b{function}\(", code) for function in functions)
        if not (asked_by_name or asked_by_function):
            unasked.append(name)
    assert not unasked, f"Permissions nothing asks (remove them, or ask them): {unasked}"


def test_no_view_or_service_checks_a_role_or_a_deadline_inline():
    """Roles are read in contest/rules.py alone; deadlines are compared in contest/deadlines.py alone."""
    offenders = []
    for app in ("contest", "submissions", "judging", "results", "voting"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.name in ("rules.py", "deadlines.py"):
                continue
            source = path.read_text(encoding="utf-8")
            for pattern in (r"ContestRole\.objects\.filter\([^)]*role=", r"\b(if|and|or|not)\s+[\w.]*\.is_staff\b",
                            r"now\s*[<>]=?\s*\w+\.(closes_at|opens_at|uploads_close_at)",
                            r"\.(closes_at|opens_at|uploads_close_at)\s*[<>]=?\s*now"):
                if re.search(pattern, source):
                    offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert not offenders, "\n".join(offenders)
