"""What the fuzz suite sends: every address of the site, as each role, with hostile values everywhere.

The addresses come from the URL patterns themselves; each part of an address is either a real value of the
world the suite builds (so the view runs its own code) or a hostile one. Field names come from the forms the
pages themselves show. Each request runs in a savepoint that is rolled back, so every request meets the same
world and one request's damage cannot hide another's.
"""

import dataclasses
import re
import sys
import time
import traceback
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from hypothesis import strategies as st

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Addresses left out: Django's admin (its own forms, staff only), the embedded media folder (files on disk) and
# the deep health check, whose 503 says a worker is away (none runs here), as it should.
SKIPPED = re.compile(r"^(?:[a-z-]+/)?admin/|^media/|^healthz/deep")

NASTY = [
    "", " ", "0", "-1", "1", "²", "٣", "١٢", "1e9", "1.5", "-0", " 1 ", "0x10", "1_000", "9" * 30, "9" * 5000,
    "NaN", "inf", "null", "None", "true", "[]", "{}", "../..", "..%2F..", "%00", "\x00", "a\x00b", "\x1b[2J",
    "\r\n", "\u202egpj.exe", "\u2066x\u2069", "\ufeff", "\ud7ff", "<script>alert(1)</script>", "' OR 1=1 --",
    "2027-02-30", "0000-00-00", "9999-12-31T23:59", "2027-01-01T25:61", "-2027-01-01", "1970-01-01T00:00",
    "a" * 300, "é" * 2000, "CCM-2026-0001", "approve", "reject", "submit", "remove", "add", "invite", "assign",
    "rebalance", "manual", "open", "close", "reopen", "round", "criterion", "details", "conflict", "theme:1",
    "category:x", "theme:", "winner", "normalised_mean", "csv", "json", "raw",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x3000), min_size=200, max_size=3000),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)
# Bytes that are not UTF-8 where a form or a query expects text.
invalid_utf8 = st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"a\xfeb", b"%FF"])


@dataclasses.dataclass(frozen=True)
class Route:
    """One URL pattern: its route with the language prefix, and the names and converters of its parts."""

    route: str
    name: str
    parameters: tuple[tuple[str, str], ...]  # (converter, name)

    def path(self, values: dict[str, str], language: str = "en") -> str:
        def part(match: re.Match) -> str:
            return quote(values[match["name"]], safe="")

        return "/" + PARAMETER.sub(part, self.route.replace("{language}", language))


def routes() -> list[Route]:
    """Every address of the site that takes a route, each once."""
    found: list[Route] = []

    def walk(patterns, prefix: str, names: str) -> None:
        for pattern in patterns:
            if isinstance(pattern.pattern, LocalePrefixPattern):
                here = "{language}/"
            elif isinstance(pattern.pattern, RoutePattern):
                here = str(pattern.pattern)
            else:
                continue  # regular-expression addresses: the media folder and Django's own
            route = prefix + here
            if SKIPPED.search(route.replace("{language}/", "")):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, names + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern):
                parameters = tuple((m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(route))
                found.append(Route(route, names + (pattern.name or route), parameters))

    walk(get_resolver().url_patterns, "", "")
    return found


READ_BY_NAME = re.compile(r"request\.(?:POST|GET)\.get(?:list)?\(\s*f?\"([a-z_]+)")


def names_the_code_reads() -> set[str]:
    """Every field name a view reads one by one, and every field of every form of the site's apps."""
    from importlib import import_module

    from django import forms
    from django.conf import settings

    names: set[str] = set()
    for app in ("accounts", "contest", "submissions", "judging", "results"):
        for path in (settings.BASE_DIR / app).rglob("*.py"):
            names.update(READ_BY_NAME.findall(path.read_text()))
        try:
            import_module(f"{app}.forms")
        except ImportError:
            continue
    pending = [forms.Form, forms.ModelForm]
    while pending:
        form = pending.pop()
        pending += form.__subclasses__()
        if form.__module__.split(".")[0] in ("accounts", "contest", "submissions", "judging", "results"):
            names.update(form.base_fields)
    return names


FIELD = re.compile(r"<(?:input|select|textarea|button)\b[^>]*?\bname=\"([^\"]+)\"", re.I)


def field_names(html: str) -> set[str]:
    """The names of the fields in a page's forms."""
    return set(FIELD.findall(html)) - {"csrfmiddlewaretoken"}


@dataclasses.dataclass
class Failure:
    role: str
    method: str
    path: str
    content_type: str
    body: bytes
    headers: dict
    status: int
    error: str

    def __str__(self) -> str:
        body = self.body if len(self.body) < 300 else self.body[:300] + b"..."
        return (
            f"{self.status} as {self.role}: {self.method} {self.path}\n"
            f"    Content-Type: {self.content_type}  headers: {self.headers!r}\n    body: {body!r}\n"
            f"    {self.error}"
        )


class Sender:
    """Sends requests as a role with Django's test client and keeps every 5xx with the exception behind it."""

    def __init__(self, clients: dict[str, Client]) -> None:
        self.clients = clients
        self.failures: list[Failure] = []
        self.sent = 0
        self.slowest: list[tuple[float, str]] = []
        self._error = ""
        got_request_exception.connect(self._note, weak=False)

    def close(self) -> None:
        got_request_exception.disconnect(self._note)

    def _note(self, sender, request=None, **kwargs) -> None:
        kind, value, tb = sys.exc_info()
        if value is not None:
            self._error = "".join(traceback.format_exception(kind, value, tb)[-3:]).strip()

    def send(
        self, role: str, method: str, path: str, *, body: bytes = b"", content_type: str = "", headers=None
    ) -> int:
        client = self.clients[role]
        headers = headers or {}
        self._error = ""
        self.sent += 1
        # The database goes back to where it was after each request, and so do the cookies: a request that
        # signs the person out (or in as someone else) changes nothing for the next one.
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        point = transaction.savepoint()
        started = time.monotonic()
        try:
            response = client.generic(method, path, data=body, content_type=content_type, headers=headers)
            status = response.status_code
            if getattr(response, "streaming", False):
                for _chunk in response.streaming_content:
                    pass
        except Exception as error:  # noqa: BLE001 - whatever the site lets out, a streamed answer's too, is a failure
            status = 599
            self._error = "".join(traceback.format_exception(error)[-3:]).strip()
        finally:
            transaction.savepoint_rollback(point)
            client.cookies = SimpleCookie(cookies)
            self.slowest = sorted([*self.slowest, (time.monotonic() - started, f"{role} {method} {path[:80]}")])[-5:]
        if status >= 500:
            self.failures.append(Failure(role, method, path, content_type, body, headers, status, self._error))
        return status

    def report(self) -> str:
        distinct: dict[str, Failure] = {}
        for failure in self.failures:
            distinct.setdefault(failure.error.splitlines()[-1] if failure.error else str(failure.status), failure)
        lines = [f"{self.sent} requests, {len(self.failures)} answered 5xx, from {len(distinct)} distinct causes:"]
        lines += [str(failure) for failure in distinct.values()]
        return "\n".join(lines)


def form_body(fields: dict[str, list], encoding: str) -> tuple[bytes, str]:
    """A form body: url-encoded or multipart, each field with one or more (possibly non-UTF-8) values."""
    if encoding == "multipart":
        boundary = "fuzzboundary"
        parts = []
        for name, values in fields.items():
            for value in values:
                raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + raw + b"\r\n"
                )
        return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
    pairs = []
    for name, values in fields.items():
        for value in values:
            if isinstance(value, bytes):
                pairs.append(quote(name, safe="") + "=" + "".join(f"%{b:02X}" for b in value))
            else:
                pairs.append(urlencode({name: value.encode("utf-8", "surrogatepass")}))
    return "&".join(pairs).encode(), "application/x-www-form-urlencoded"


class Clock:
    """A wall-time budget: once spent, the remaining examples send nothing."""

    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def spent(self) -> bool:
        return time.monotonic() > self.until
