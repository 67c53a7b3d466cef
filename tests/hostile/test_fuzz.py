"""The fuzz suite: every address and form of the site, as anonymous, entrant, judge and organizer, with hostile
values (long strings, control characters, invalid UTF-8, odd numbers and dates, missing and repeated fields,
wrong content types, hostile tus headers). No request may get a 5xx.

Bounded for CI (about a minute in all); `make fuzz` runs it longer (FUZZ_EXAMPLES, FUZZ_SECONDS) with fresh
random examples (FUZZ_RANDOM=1) and prints every request that got a 5xx, with the exception behind it.
"""

import base64
import logging
import os

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from contest.enums import MediaKind
from submissions import services as entries
from submissions import uploads
from tests.factories import CategoryFactory, ContestFactory, ThemeFactory
from tests.judging.factories import jury
from tests.results.helpers import add_rendition
from tests.submissions.test_entries import registered

from .fuzzing import (
    NASTY,
    Clock,
    Sender,
    field_names,
    form_body,
    hostile_text,
    invalid_utf8,
    names_the_code_reads,
    routes,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "400"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "20"))
# The sweep of every address normally takes 20-30 s; on a machine so loaded it would take far longer, it stops
# at this budget and says how far it got rather than hold CI up.
SWEEP_SECONDS = float(os.environ.get("FUZZ_SWEEP_SECONDS", "50"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
ROLES = ("anonymous", "entrant", "judge", "organizer")
METHODS = ("GET", "POST", "POST", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS")
QUERY_NAMES = ("after", "start", "order", "undecided", "next", "theme", "category", "status", "country", "page", "q")
HEADERS = ("Range", "Accept", "Accept-Language", "Referer", "If-Modified-Since", "X-CSRFToken", "Tus-Resumable")


def hypothesis_settings(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=not RANDOM,
        phases=[Phase.generate],  # every 5xx is kept and reported; none is shrunk
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """Thousands of refusals are expected: only errors are logged while the suite runs."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def world():
    """A contest being judged (an open round, assigned, a rendition), and another open to entries with an
    entrant's draft and an upload under way; one person in each role."""
    made = jury(entries=3, judges=2, k=2)
    rendition = add_rendition(made.entries[0])
    contest = ContestFactory(reference_prefix="CCM-2026")
    ThemeFactory(contest=contest)
    CategoryFactory(contest=contest, media_kind=MediaKind.VIDEO, max_size_bytes=10 * 1024 * 1024)
    person = registered(contest)
    now = timezone.now()
    draft = entries.create_entry(
        contest=contest, entrant=person, now=now, declarations=set(),
        data={"theme": contest.themes.get(), "category": contest.categories.get(), "title": "Fields"},
    )
    upload = uploads.start_upload(entry=draft, owner=person, length=1000, filename="film.mp4",
                                  declared_type="video/mp4", now=now)
    assignment = made.judges[0].assignments.first()
    values = {
        "slug": [made.contest.slug, contest.slug],
        "reference": [made.entries[0].reference, draft.reference],
        "pk": [str(rendition.asset.pk)],
        "round_id": [str(made.round.pk)],
        "assignment_id": [str(assignment.pk)],
        "entry_id": [str(made.entries[0].pk)],
        "criterion_id": [str(made.criteria[0].pk)],
        "rendition_id": [str(rendition.pk)],
        "upload_id": [str(upload.pk)],
        "spec": ["poster.jpg"],
        "name": ["poster.jpg"],
        "language": ["en"],
        "fmt": ["csv", "json"],
        "action": ["open", "close", "reopen", "discussion-on"],
        "kind": ["captions", "release_form"],
    }
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in (("entrant", person), ("judge", made.judges[0]), ("organizer", made.organizer)):
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    sender = Sender(clients)
    yield values, sender, upload
    sender.close()


# Which of the real values is each role's own: the entrant's draft is in the second contest.
OWN = {"anonymous": 0, "entrant": 1, "judge": 0, "organizer": 0}


def real(values: dict[str, list[str]], name: str, index: int = 0) -> str:
    options = values.get(name, ["1"])
    return options[index % len(options)]


_FIELDS: dict[str, set[str]] = {}


def fields_of(sender: Sender, values, every_route) -> dict[str, set[str]]:
    """The fields each address's pages show in their forms, as the organizer, the entrant and the judge see
    them, and under "*" every name a view or form of the site reads."""
    if not _FIELDS:
        _FIELDS["*"] = names_the_code_reads()
        for route in every_route:
            for role in ("organizer", "entrant", "judge"):
                path = route.path({n: real(values, n, OWN[role]) for _c, n in route.parameters})
                response = sender.clients[role].get(path)
                if response.status_code == 200 and not getattr(response, "streaming", False):
                    content = response.content.decode("utf-8", "replace")
                    _FIELDS.setdefault(route.name, set()).update(field_names(content))
    return _FIELDS


def test_every_address_as_every_role_with_its_real_parts_and_with_a_nul_in_each(world):
    values, sender, _upload = world
    every_route = routes()
    assert len(every_route) > 60, "the walk of the URL patterns found too few addresses"
    fields = fields_of(sender, values, every_route)
    assert sum(map(len, fields.values())) > 100, "the pages' forms were not found"
    everywhere = fields["*"]
    assert {"score", "assignment", "judge", "note", "after"} <= everywhere | set(QUERY_NAMES)
    clock, swept = Clock(SWEEP_SECONDS), 0
    for route in every_route:
        if clock.spent():
            break
        swept += 1
        names = fields.get(route.name, set()) | everywhere
        for role in ROLES:
            real_values = {name: real(values, name, OWN[role]) for _c, name in route.parameters}
            path = route.path(real_values)
            sender.send(role, "GET", path)
            for bad in ("a\x00b\u202e\x1b" + "9" * 30, "\u00b2"):
                body, content_type = form_body({name: [bad] for name in names}, "urlencoded")
                sender.send(role, "POST", path, body=body, content_type=content_type)
            query = form_body({name: ["\u00b2", "9" * 30] for name in QUERY_NAMES}, "urlencoded")[0].decode()
            sender.send(role, "GET", f"{path}?{query}")
            for _converter, name in route.parameters:
                sender.send(role, "GET", route.path({**real_values, name: "a\x00b"}))
    print(f"\nfuzz: {sender.sent} requests to {swept} of {len(every_route)} addresses; slowest: {sender.slowest}")
    assert not sender.failures, sender.report()


def test_random_hostile_requests_to_every_address_as_every_role(world):
    values, sender, _upload = world
    every_route = routes()
    fields = fields_of(sender, values, every_route)
    clock = Clock(SECONDS)
    value = st.one_of(hostile_text, hostile_text, invalid_utf8)

    @hypothesis_settings(EXAMPLES)
    @given(data=st.data())
    def send_one(data):
        route = data.draw(st.sampled_from(every_route), label="address")
        role = data.draw(st.sampled_from(ROLES), label="role")
        method = data.draw(st.sampled_from(METHODS), label="method")
        parts = {}
        for index, (_converter, name) in enumerate(route.parameters):
            hostile = data.draw(st.booleans(), label=f"hostile {name}")
            parts[name] = data.draw(hostile_text) if hostile else real(values, name, index)
        path = route.path(parts, data.draw(st.sampled_from(["en", "fr", "ar", "zh-hans"])))
        query_names = st.sampled_from(QUERY_NAMES + tuple(sorted(fields.get(route.name, ()))))
        query = data.draw(st.dictionaries(query_names, st.lists(value, min_size=1, max_size=2), max_size=3))
        if query:
            path += "?" + form_body(query, "urlencoded")[0].decode()
        known = sorted(fields.get(route.name, ())) or ["x"]
        names = st.one_of(st.sampled_from(known), st.sampled_from(known), st.sampled_from(sorted(fields["*"])),
                          st.text(max_size=12))
        body_fields = data.draw(st.dictionaries(names, st.lists(value, min_size=1, max_size=3), max_size=8))
        encoding = data.draw(st.sampled_from(["urlencoded", "multipart", "broken multipart", "json", "text",
                                              "octet", "no type"]))
        if encoding in ("urlencoded", "multipart"):
            body, content_type = form_body(body_fields, encoding)
        elif encoding == "broken multipart":
            body, content_type = data.draw(st.sampled_from([b"x", b"--b\r\n", b""])), data.draw(
                st.sampled_from(["multipart/form-data", "multipart/form-data; boundary=b", "multipart/mixed"]))
        elif encoding == "json":
            body, content_type = data.draw(st.sampled_from([b"{", b"[]", b'{"a": 1}', b"\xff"])), "application/json"
        elif encoding == "text":
            body, content_type = data.draw(st.binary(max_size=200)), "text/plain"
        elif encoding == "octet":
            body, content_type = data.draw(st.binary(max_size=200)), "application/offset+octet-stream"
        else:
            body, content_type = data.draw(st.binary(max_size=50)), ""
        headers = data.draw(st.dictionaries(st.sampled_from(HEADERS), st.sampled_from(NASTY + ["bytes=0-1",
                            "bytes=5-1", "bytes=-0", "bytes=99999999999999999999-", "1.0.0", "*/*"]), max_size=3))
        headers = {name: value.encode("utf-8", "surrogatepass").decode("latin-1") for name, value in headers.items()}
        if clock.spent():  # everything is drawn first, so a run cut short draws as a whole one would
            return
        sender.send(role, method, path, body=body, content_type=content_type, headers=headers)

    send_one()
    print(f"\nfuzz: {sender.sent} requests to {len(every_route)} addresses")
    assert not sender.failures, sender.report()


def _metadata(pairs: list[tuple[str, bytes]]) -> str:
    return ",".join(f"{key} {base64.b64encode(value).decode()}" for key, value in pairs)


def test_hostile_tus_headers(world):
    values, sender, upload = world
    clock = Clock(SECONDS / 3)
    number = st.one_of(st.sampled_from(NASTY), st.integers(min_value=-(2**80), max_value=2**80).map(str))
    metadata = st.one_of(
        st.sampled_from(NASTY),
        st.lists(
            st.tuples(st.sampled_from(["entry", "filename", "filetype", "x", ""]),
                      st.one_of(st.binary(max_size=300), st.sampled_from([v.encode() for v in values["reference"]]),
                                hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")))),
            max_size=4,
        ).map(_metadata),
        st.text(max_size=60),
    )

    @hypothesis_settings(max(EXAMPLES // 3, 50))
    @given(data=st.data())
    def send_one(data):
        method = data.draw(st.sampled_from(["POST", "HEAD", "PATCH", "DELETE", "OPTIONS", "GET"]))
        path = "/en/uploads/" if method in ("POST", "GET") else data.draw(
            st.sampled_from([f"/en/uploads/{upload.pk}", "/en/uploads/00000000-0000-0000-0000-000000000000"]))
        headers = {"Tus-Resumable": data.draw(st.sampled_from(["1.0.0", "1.0.0", "0.2", ""]))}
        for name, strategy in (("Upload-Length", number), ("Upload-Offset", number), ("Upload-Metadata", metadata),
                               ("Upload-Checksum", st.one_of(st.sampled_from(["sha1 ", "sha256 !!", "md5 AAAA",
                                                                              "crc32 AAAA"]), st.text(max_size=30))),
                               ("Upload-Defer-Length", st.sampled_from(["1", "x"]))):
            if data.draw(st.booleans()):
                headers[name] = data.draw(strategy).encode("utf-8", "surrogatepass").decode("latin-1")
        content_type = data.draw(st.sampled_from(["application/offset+octet-stream", "text/plain", ""]))
        body = data.draw(st.binary(max_size=64))
        if clock.spent():
            return
        sender.send("entrant", method, path, body=body, content_type=content_type, headers=headers)

    send_one()
    print(f"\nfuzz: {sender.sent} tus requests")
    assert not sender.failures, sender.report()
