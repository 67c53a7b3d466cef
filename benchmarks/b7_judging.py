"""B7: judging at full size on PostgreSQL, through the real pages: 10,000 entries, 100 judges, k = 3.

Each contest is built as a real one ends up: entrants registered, entries with
varied titles (six scripts, long and short, with characters HTML must escape),
each with its file, its processing jobs and renditions (photos, videos, sound,
essays), a few with failed processing, the same file twice or declared AI use;
beside them drafts never sent (three for every ten entries, half with a file)
and a few entries withdrawn after their screening; screening mixed (eligible,
not eligible with a reason, not yet decided); the
eligible entries in an open round, assigned automatically (k = 3) and two
thirds of the assignments scored. Scores are written in bulk (20,000 calls to
the scoring service would measure the service, not the pages).

The pages are requested through Django's test client, so URL routing, every
middleware, the session (in the database), the permission checks and the
templates all count: the judge's queue and score page, the organizer's
screening, progress, results and results-management pages, and the entrant's
dashboard; the paged ones on their first page and deep in the list. The same
pages of a contest of 100 entries (10 judges) give the query counts to compare.
The about page, with no data of its own, is the floor every page stands on:
each page's p95 is also given as a multiple of it, measured in the same run,
which compares runs on machines of different speeds.

Targets: automatic assignment of the 10,000 entries in < 10 s; each page runs
the same number of queries for 100 entries as for 10,000, answers in p95 < 50 ms
and weighs at most 200 KB. A SELECT 1 floor and the organizer's list fetched
with OFFSET instead of a keyset cursor (deep in the list) are measured beside.

Runs in a fresh database beside DATABASE_URL's (dropped afterwards); needs PostgreSQL.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import common
from submissions.enums import Spec

ROOT = Path(__file__).resolve().parent.parent
ENTRIES, JUDGES, K = 10_000, 100, 3
SMALL_ENTRIES, SMALL_JUDGES = 100, 10
QUICK_ENTRIES, QUICK_JUDGES = 40, 6
SAMPLES = 60
P95_TARGET_MS = 50.0
HTML_TARGET_BYTES = 200_000
ASSIGN_TARGET_S = 10.0


def run(*, quick: bool = False) -> dict:
    database_url, drop = common.fresh_database("b7")
    if database_url is None:
        return {"skipped": "B7 needs DATABASE_URL to point at PostgreSQL", "met": False}
    folder = tempfile.TemporaryDirectory(dir=ROOT / "var")
    # Production settings as far as the pages go: DEBUG off, static files collected with their manifest.
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "AWS_"))},
        "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.base", "EMAIL_URL": "dummymail://",
        "CONN_MAX_AGE": "0", "DEBUG": "false", "VOICES_VAR_DIR": folder.name, "STATIC_ROOT": f"{folder.name}/static",
    }  # fmt: skip
    try:
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.b7_judging", "--measure", *(["--quick"] if quick else [])], cwd=ROOT,
            env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            return {"error": result.stderr.strip().splitlines()[-20:], "met": False}
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        drop()
        folder.cleanup()


# --- In the measuring process, with Django set up on the fresh database ---------
def _people(prefix: str, count: int, countries: list[str], organisations: list[str], rng: random.Random):
    from accounts.models import User

    users = [
        User(
            email=f"{prefix}{n}@bench.example", full_name=f"{prefix.title()} {n}", password="!",
            country=rng.choice(countries), organisation=rng.choice(organisations),
        )
        for n in range(count)
    ]
    return User.objects.bulk_create(users, batch_size=2000)


# Words for titles: six scripts, short and long, and characters HTML must escape.
WORDS = ["Ban", "Naxay", "fields", "memory", "«la mémoire»", "champs", "campos", "memoria", "поля", "память",
         "记忆", "田野", "الذاكرة", "حقول", "&", "<children>", '"quoted"', "2026", "survivors", "voices", "after",
         "the", "clearance", "يوم", "день", "雨"]
MEDIA = {
    # kind: (file format, jobs, renditions)
    "photo": ("jpg", ["probe", "images"], [Spec.DISPLAY_WEBP, Spec.DISPLAY_JPEG, Spec.THUMB_WEBP, Spec.THUMB_JPEG]),
    "video": ("mp4", ["probe", "video", "poster"], [Spec.VIDEO, Spec.POSTER]),
    "audio": ("wav", ["probe", "audio", "waveform"], [Spec.AUDIO, Spec.WAVEFORM]),
    "artwork": ("png", ["probe", "images"], [Spec.DISPLAY_WEBP, Spec.DISPLAY_JPEG, Spec.THUMB_WEBP, Spec.THUMB_JPEG]),
    "essay": ("pdf", ["probe", "preview"], [Spec.PREVIEW]),
}


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.choice([1, 2, 3, 5, 8, 14, 24])))[:200]


def _contest(slug: str, entries: int, judges: int, rng: random.Random):
    """A contest after its deadline with its entries, files, screening, panel and an open round."""
    from datetime import timedelta

    from django.utils import timezone

    from contest.enums import ContestStatus, MediaKind, RegistrationStatus, Role
    from contest.models import Category, Contest, ContestRole, Registration, Theme
    from judging import services
    from judging.models import JudgeProfile, PanelMember, RoundEntry, ScreeningDecision
    from submissions.enums import EntryStatus, JobQueue, JobStatus
    from submissions.models import Entry, MediaAsset, ProcessingJob, Rendition

    now = timezone.now()
    countries = ["MX", "FR", "KE", "JP", "BR", "DE", "NG", "IN", "EG", "CH"]
    organisations = ["", "", "", "", "Red Cross", "UNIDIR", "ICAN", "Youth Net", "Humanity & Inclusion"]
    contest = Contest.objects.create(
        slug=slug, title=slug, summary="Benchmark", opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1), status=ContestStatus.JUDGING, reference_prefix=slug.upper(),
    )
    themes = [Theme.objects.create(contest=contest, title=f"Theme {n}", position=n) for n in range(3)]
    categories = [
        Category.objects.create(contest=contest, title=f"Category {kind}", media_kind=kind, position=n)
        for n, kind in enumerate(MediaKind.values)
    ]
    organizer = _people(f"{slug}-organizer", 1, countries, organisations, rng)[0]
    ContestRole.objects.create(contest=contest, user=organizer, role=Role.ORGANIZER)
    entrants = _people(f"{slug}-entrant", entries // 2, countries, organisations, rng)
    Registration.objects.bulk_create(
        [Registration(contest=contest, user=person, status=RegistrationStatus.ELIGIBLE, rules_version=1,
                      accepted_rules_at=now, accepted_privacy_at=now, accepted_processing_at=now)
         for person in entrants],
        batch_size=2000,
    )
    made = Entry.objects.bulk_create(
        [
            Entry(
                contest=contest, entrant=entrants[n // 2], reference=f"{slug.upper()}-{n:05d}",
                theme=themes[n % 3], category=categories[n % len(categories)], title=_title(rng),
                statement="What I made and why, in a few lines.", ai_use="none" if n % 20 else "assisted",
                ai_use_details="" if n % 20 else "Captions drafted with a speech-to-text tool.",
                status=EntryStatus.SUBMITTED, submitted_at=now, first_submitted_at=now,
            )
            for n in range(entries)
        ],
        batch_size=2000,
    )
    # As at any deadline: entries begun and never sent (three for every ten sent, half with their file), and
    # one sent entry in a hundred withdrawn after its screening (its decision stays; it is in no round).
    drafts = Entry.objects.bulk_create(
        [
            Entry(contest=contest, entrant=entrants[n % len(entrants)], reference=f"{slug.upper()}-D{n:05d}",
                  theme=themes[n % 3], category=categories[n % len(categories)], title=_title(rng),
                  status=EntryStatus.DRAFT)
            for n in range(entries * 3 // 10)
        ],
        batch_size=2000,
    )
    MediaAsset.objects.bulk_create(
        [
            MediaAsset(entry=entry, file=f"entries/{entry.reference}/original.{MEDIA[entry.category.media_kind][0]}",
                       original_name=f"draft.{MEDIA[entry.category.media_kind][0]}", size=5_000_000,
                       sha256=f"d{n:063d}", file_format=MEDIA[entry.category.media_kind][0])
            for n, entry in enumerate(drafts) if n % 2 == 0
        ],
        batch_size=2000,
    )
    withdrawn = [entry for n, entry in enumerate(made) if n % 100 == 50]
    for entry in withdrawn:
        entry.status, entry.withdrawn_at = EntryStatus.WITHDRAWN, now
    Entry.objects.bulk_update(withdrawn, ["status", "withdrawn_at"], batch_size=2000)
    assets = MediaAsset.objects.bulk_create(
        [
            MediaAsset(entry=entry, file=f"entries/{entry.reference}/original.{MEDIA[entry.category.media_kind][0]}",
                       original_name=f"work.{MEDIA[entry.category.media_kind][0]}", size=5_000_000,
                       # One entry in a hundred sends the same file as another.
                       sha256=f"{(n if n % 100 else n - 1):064d}",
                       file_format=MEDIA[entry.category.media_kind][0],
                       facts={"duration_seconds": 95.0} if entry.category.media_kind in ("video", "audio") else {})
            for n, entry in enumerate(made)
        ],
        batch_size=2000,
    )
    jobs, renditions = [], []
    for n, asset in enumerate(assets):
        _format, kinds, specs = MEDIA[made[n].category.media_kind]
        failed = n % 50 == 7  # processing failed for one entry in fifty
        for kind in kinds:
            status = JobStatus.FAILED if failed and kind != "probe" else JobStatus.DONE
            jobs.append(ProcessingJob(asset=asset, kind=kind, status=status,
                                      queue=JobQueue.MEDIA if kind in ("video", "audio") else JobQueue.DEFAULT,
                                      started_at=now, finished_at=now, enqueued_at=now, attempts=1,
                                      error_code="gave_up" if status == JobStatus.FAILED else ""))
        for spec in [] if failed else specs:
            renditions.append(Rendition(asset=asset, spec=spec, file=f"renditions/{made[n].reference}/{spec}",
                                        content_type="image/webp", width=1600, height=1067, size=300_000,
                                        duration_seconds=95.0 if spec.endswith((".mp4", ".m4a")) else None))
    ProcessingJob.objects.bulk_create(jobs, batch_size=5000)
    Rendition.objects.bulk_create(renditions, batch_size=5000)
    # Screening: most eligible, some not (with a reason), some not decided yet.
    outcomes = []
    for n, entry in enumerate(made):
        draw = n % 20
        if draw < 15:
            outcomes.append(ScreeningDecision(entry=entry, contest=contest, outcome="eligible", decided_by=organizer,
                                              decided_at=now))
        elif draw < 17:
            outcomes.append(ScreeningDecision(entry=entry, contest=contest, outcome="ineligible", reason="rights",
                                              note="The music is not cleared.", decided_by=organizer,
                                              decided_at=now))
    ScreeningDecision.objects.bulk_create(outcomes, batch_size=2000)
    eligible = [decision.entry for decision in outcomes
                if decision.outcome == "eligible" and decision.entry.status == EntryStatus.SUBMITTED]
    panel = _people(f"{slug}-judge", judges, countries, organisations, rng)
    ContestRole.objects.bulk_create([ContestRole(contest=contest, user=j, role=Role.JUDGE) for j in panel])
    JudgeProfile.objects.bulk_create(
        [JudgeProfile(contest=contest, judge=j, country=j.country, organisation=j.organisation) for j in panel]
    )
    round_ = services.create_round(
        contest=contest, data={"name": "Jury round", "judges_per_entry": K, "avoid_same_country": True},
        by=organizer, now=now,
    )
    for name, weight in (("Message", 2), ("Craft", 1)):
        services.save_criterion(round=round_, data={"name": name, "weight": weight}, by=organizer, now=now)
    PanelMember.objects.bulk_create([PanelMember(round=round_, judge=j, joined_at=now) for j in panel])
    RoundEntry.objects.bulk_create([RoundEntry(round=round_, entry=e, added_at=now) for e in eligible],
                                   batch_size=2000)
    services.open_round(round=round_, by=organizer, now=now)
    return contest, organizer, round_, panel, entrants[0]


def _assign(round_, organizer) -> dict:
    from django.utils import timezone

    from judging import services
    from judging.assignment import assign
    from judging.services.assigning import conflict_facts, entry_facts, judge_facts

    started = time.perf_counter()
    entries, judges, conflicts = entry_facts(round_), judge_facts(round_), conflict_facts(round_.contest_id)
    loaded = time.perf_counter()
    plan = assign(entries=entries, judges=judges, conflicts=conflicts, k=K, avoid_same_country=True)
    planned = time.perf_counter()
    written = services.auto_assign(round=round_, by=organizer, now=timezone.now())
    done = time.perf_counter()
    loads = list(written.loads.values())
    return {
        "facts_seconds": round(loaded - started, 3),
        "planner_seconds": round(planned - loaded, 3),
        "service_seconds": round(done - planned, 3),
        "assignments": len(written.assignments),
        "shortfalls": len(written.shortfalls),
        "balanced": written.balanced,
        "load_min": min(loads),
        "load_max": max(loads),
        "planner_agrees": len(plan.assignments) == len(written.assignments),
    }


def _score(round_, rng: random.Random) -> int:
    from django.utils import timezone

    from judging.models import Assignment, Criterion, Score
    from judging.ranking import weighted_total
    from judging.services.results import results_changed
    from judging.services.tallies import recount

    now = timezone.now()
    criteria = list(Criterion.objects.filter(round=round_))
    weights = {str(c.pk): c.weight for c in criteria}
    # Each judge has a leniency, so normalisation has something to correct.
    leniency: dict[int, int] = {}
    scores = []
    for index, (pk, judge_id) in enumerate(Assignment.objects.filter(round=round_).values_list("pk", "judge_id")):
        if index % 3 == 0:
            continue
        bias = leniency.setdefault(judge_id, rng.randint(-2, 2))
        values = {key: max(1, min(10, rng.randint(3, 8) + bias)) for key in weights}
        scores.append(
            Score(assignment_id=pk, values=values, total=weighted_total(values, weights), state="submitted",
                  version=1, created_at=now, updated_at=now, submitted_at=now)
        )
    Score.objects.bulk_create(scores, batch_size=2000)
    results_changed(round_.pk)
    recount(round_.pk)  # what the scoring service does for each score, once for all
    return len(scores)


def _pages(contest, organizer, round_, panel, entrant, rng: random.Random, samples: int) -> dict:
    """Each page through the test client: p95 and median time, the most queries and bytes one request took."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from judging import selectors
    from judging.models import Assignment, RoundEntry

    translation.activate("en")
    judge = panel[0]
    queue_ids = list(Assignment.objects.filter(round=round_, judge=judge).order_by("entry_id")
                     .values_list("entry_id", flat=True))
    # The score page differs by the work's kind (a video has captions, an essay its text): each kind in turn.
    by_kind: dict[str, list[int]] = {}
    for pk, kind in Assignment.objects.filter(round=round_, judge=judge).order_by("entry_id").values_list(
        "pk", "entry__category__media_kind"
    ):
        by_kind.setdefault(kind, []).append(pk)
    kinds = sorted(by_kind)
    entry_ids = list(RoundEntry.objects.filter(round=round_).order_by("entry_id").values_list("entry_id", flat=True))
    screened_ids = list(contest.entries.filter(status="submitted").order_by("pk").values_list("pk", flat=True))
    ranked = selectors.ranking_of(round=round_)
    result_cursors = [
        f"{r.normalised_rank if r.normalised_rank is not None else selectors.NO_RANK}:{r.entry_id}"
        for r in ranked[:: max(1, len(ranked) // 200)]
    ]
    total = len(ranked)

    def deep(ids):
        """A cursor in the last tenth of a list (where OFFSET would skip most), or None for the first page."""
        return ids[rng.randrange(max(0, len(ids) - len(ids) // 10 - 1), max(1, len(ids) - 1))] if ids else None

    def paged(sample, first, later):
        return first if sample % 2 == 0 else later()

    urls = {
        "judge_queue": lambda s: paged(s, reverse("judging:queue", args=[round_.pk]),
                                       lambda: reverse("judging:queue", args=[round_.pk])
                                       + f"?after={deep(queue_ids)}"),
        "judge_score": lambda s: reverse("judging:score", args=[rng.choice(by_kind[kinds[s % len(kinds)]])]),
        "screening": lambda s: paged(s, reverse("judging:screening", args=[contest.slug]),
                                     lambda: reverse("judging:screening", args=[contest.slug])
                                     + f"?after={deep(screened_ids)}"),
        "progress": lambda s: paged(s, reverse("judging:progress", args=[round_.pk]),
                                    lambda: reverse("judging:progress", args=[round_.pk])
                                    + f"?after={deep(entry_ids)}"),
        "results": lambda s: paged(s, reverse("judging:results", args=[round_.pk]),
                                   lambda: reverse("judging:results", args=[round_.pk])
                                   + f"?after={rng.choice(result_cursors[len(result_cursors) * 9 // 10:])}"),
        "results_manage": lambda s: paged(s, reverse("results:manage", args=[contest.slug]),
                                          lambda: reverse("results:manage", args=[contest.slug])
                                          + f"?start={rng.randrange(total * 9 // 10, total)}"),
        "entrant_dashboard": lambda s: reverse("submissions:dashboard"),
        # The floor of any page on this machine: the organizer's about page, through the same middleware,
        # session and base template with no data of its own (see measure: each page's p95 against it).
        "about": lambda s: reverse("contest:about"),
    }
    who = {"judge_queue": judge, "judge_score": judge, "entrant_dashboard": entrant}
    clients = {}
    figures = {}
    for name, url in urls.items():
        person = who.get(name, organizer)
        if person.pk not in clients:
            clients[person.pk] = Client(HTTP_HOST="127.0.0.1")
            clients[person.pk].force_login(person)
        client = clients[person.pk]
        client.get(url(0))  # warm: the session in the cache, the stored results computed after the scores
        times, counts, most_bytes = [], [], 0
        for sample in range(samples):
            address = url(sample)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(address)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {address} answered {response.status_code}")
            counts.append(len(queries))
            most_bytes = max(most_bytes, len(response.content))
        times.sort()
        figures[name] = {
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "median_ms": round(statistics.median(times), 2),
            # The count most requests ran: now and then a session falls out of the shared cache and is read
            # from the database once more, whatever the page; the most any request ran is given beside it.
            "queries": statistics.mode(counts),
            "queries_max": max(counts),
            "html_kb": round(most_bytes / 1000, 1),
        }
    return figures


def _floors(round_, samples: int, rng: random.Random) -> dict:
    """A SELECT 1 round trip, and the organizer's list deep in the round by keyset and by OFFSET."""
    from django.db import connection

    from judging import selectors
    from judging.models import RoundEntry

    entry_ids = list(RoundEntry.objects.filter(round=round_).order_by("entry_id").values_list("entry_id", flat=True))

    def deep(sample):
        return max(0, len(entry_ids) - selectors.PAGE - sample % max(1, len(entry_ids) // 10))

    def round_trip(sample):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()

    def by_keyset(sample):
        after = entry_ids[deep(sample) - 1] if deep(sample) else None
        [item.entry.entrant.email for item in selectors.organizer_entries(round=round_, after=after).items]

    def by_offset(sample):
        offset = deep(sample)
        rows = (RoundEntry.objects.filter(round=round_)
                .select_related("entry__theme", "entry__category", "entry__entrant")
                .order_by("entry_id")[offset : offset + selectors.PAGE])
        [row.entry.entrant.email for row in rows]

    figures = {}
    for name, read in (("select_1", round_trip), ("entries_deep_keyset", by_keyset),
                       ("entries_deep_offset", by_offset)):
        read(0)
        times = []
        for sample in range(samples):
            started = time.perf_counter()
            read(sample)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[name] = {"p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                         "median_ms": round(statistics.median(times), 2)}
    return figures


def measure(*, quick: bool = False) -> dict:
    import django

    django.setup()
    from django.db import connection

    from judging.models import RoundEntry

    rng = random.Random(7)
    large_size, large_judges = (QUICK_ENTRIES * 3, QUICK_JUDGES) if quick else (ENTRIES, JUDGES)
    small_size, small_judges = (QUICK_ENTRIES, QUICK_JUDGES) if quick else (SMALL_ENTRIES, SMALL_JUDGES)
    samples = 3 if quick else SAMPLES
    load_before = os.getloadavg()
    small = _contest("b7small", small_size, small_judges, rng)
    large = _contest("b7large", large_size, large_judges, rng)
    report: dict = {"entries": large_size, "judges": large_judges, "k": K, "samples_per_page": samples}
    report["round_entries"] = RoundEntry.objects.filter(round=large[2]).count()
    report["assignment"] = _assign(large[2], large[1])
    _assign(small[2], small[1])
    report["scores"] = _score(large[2], rng)
    _score(small[2], rng)
    # As autovacuum leaves a database that took its entries over weeks: statistics, and the visibility map
    # that lets PostgreSQL count from an index alone (rows written in bulk a moment ago have neither).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report["pages"] = _pages(*large, rng, samples)
    small_pages = _pages(*small, rng, samples)
    small_pages.pop("about")
    about = report["pages"].pop("about")
    report["queries_small_contest"] = {name: figures["queries"] for name, figures in small_pages.items()}
    report["floors"] = {**_floors(large[2], samples, rng), "about_page": about}
    floors = report["floors"]
    # The targets are in milliseconds, and this machine's speed has varied about twofold from one day to the
    # next: each page's p95 as a multiple of the about page's, measured in the same run, compares across days.
    report["p95_vs_about_page"] = {name: round(figures["p95_ms"] / max(about["p95_ms"], 1e-3), 2)
                                   for name, figures in report["pages"].items()}
    report["keyset_vs_offset_deep"] = round(
        floors["entries_deep_keyset"]["median_ms"] / max(floors["entries_deep_offset"]["median_ms"], 1e-3), 3
    )
    # Two cores are shared with whatever else runs: the load says how far to trust absolute times.
    report["load_average_before_after"] = [[round(v, 2) for v in load_before], [round(v, 2) for v in os.getloadavg()]]
    pages = report["pages"]
    assignment = report["assignment"]
    report["targets"] = {
        "assignment_seconds": f"< {ASSIGN_TARGET_S}",
        "p95_ms": f"< {P95_TARGET_MS} for every page",
        "queries": f"the same for {small_size} and {large_size} entries, for every page",
        "html_kb": f"<= {HTML_TARGET_BYTES // 1000}",
    }
    report["checks"] = {
        "assignment_under_10_s": assignment["facts_seconds"] + assignment["planner_seconds"] < ASSIGN_TARGET_S
        and assignment["service_seconds"] < ASSIGN_TARGET_S,
        "every_entry_k_judges": assignment["shortfalls"] == 0
        and assignment["assignments"] == report["round_entries"] * K,
        "loads_within_one": assignment["load_max"] - assignment["load_min"] <= 1,
        "p95_under_50_ms": {name: figures["p95_ms"] < P95_TARGET_MS for name, figures in pages.items()},
        "queries_constant": {name: figures["queries"] == report["queries_small_contest"][name]
                             for name, figures in pages.items()},
        "html_at_most_200_kb": {name: figures["html_kb"] * 1000 <= HTML_TARGET_BYTES
                                for name, figures in pages.items()},
    }
    report["met"] = all(all(v.values()) if isinstance(v, dict) else v for v in report["checks"].values())
    return report


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(quick="--quick" in sys.argv)))
