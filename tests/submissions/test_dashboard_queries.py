"""The entrant's dashboard runs the same queries for 10 entries as for 60 or 10,000: files, renditions, team and
all."""

from collections import defaultdict
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contest import registration as registrations
from contest.enums import MediaKind
from contest.models import Registration
from submissions import services
from submissions.enums import CoCreatorStatus, Declaration, JobKind, JobQueue, JobStatus
from submissions.models import CoCreator, Entry, EntryDeclaration, MediaAsset, ProcessingJob, Rendition
from tests.factories import CategoryFactory, ContestFactory, EntrantFactory, ThemeFactory

pytestmark = pytest.mark.django_db

# A file in each state the dashboard shows: ready, being processed, refused (with the entrant's message).
JOB_STATES = [
    [(JobKind.PROBE, JobStatus.DONE, ""), (JobKind.IMAGES, JobStatus.DONE, "")],
    [(JobKind.PROBE, JobStatus.DONE, ""), (JobKind.IMAGES, JobStatus.RUNNING, "")],
    [(JobKind.PROBE, JobStatus.FAILED, "Your photo is 300 × 200 pixels; this category needs at least 1600.")],
]


def contest_with_photos(prefix: str = "CCM-2026"):
    contest = ContestFactory(reference_prefix=prefix)
    ThemeFactory(contest=contest, title="Victims and survivors")
    CategoryFactory(contest=contest, title="Photo", media_kind=MediaKind.PHOTO, allowed_formats=["jpg"],
                    max_duration_seconds=None)
    CategoryFactory(contest=contest, title="Essay", media_kind=MediaKind.ESSAY, allowed_formats=["pdf"])
    return contest


def add_entries(contest, entrant, count: int, start: int) -> None:
    """Photo entries, each with a file, its jobs and renditions, some with co-creators; every third submitted."""
    now = timezone.now()
    photo = contest.categories.get(media_kind=MediaKind.PHOTO)
    for number in range(start, start + count):
        entry = services.create_entry(
            contest=contest, entrant=entrant, now=now, declarations=set(Declaration.values[: number % 4]),
            data={"title": f"Ban Naxay, picture {number} – «la mémoire» & <the field>", "theme": contest.themes.get(),
                  "category": photo, "statement": "What I made and why." if number % 2 else ""},
        )
        asset = MediaAsset.objects.create(entry=entry, file=f"entries/{entry.reference}/photo.jpg", size=1000,
                                          sha256=f"{number:064d}", file_format="jpg")
        for kind, status, message in JOB_STATES[number % len(JOB_STATES)]:
            ProcessingJob.objects.create(asset=asset, kind=kind, queue=JobQueue.DEFAULT, status=status,
                                         error_message=message, error_code="too_small" if message else "")
        if number % len(JOB_STATES) == 0:
            for spec in ("display.webp", "display.jpg", "thumb.webp", "thumb.jpg"):
                Rendition.objects.create(asset=asset, spec=spec, file=f"renditions/{entry.reference}/{spec}",
                                         content_type="image/webp", width=1600, height=1067, size=1000)
        if number % 5 == 0:
            CoCreator.objects.create(entry=entry, name=f"Ana {number}", email=f"ana{number}@voices.example",
                                     status=CoCreatorStatus.PENDING, invited_at=now,
                                     date_of_birth=date(2004, 5, 1))


def dashboard_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/entries/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_dashboard_runs_the_same_queries_for_10_entries_as_for_60(client):
    contest = contest_with_photos()
    entrant = EntrantFactory()
    registrations.register(contest=contest, user=entrant, now=timezone.now())
    add_entries(contest, entrant, 10, 0)
    client.force_login(entrant)
    client.get("/en/entries/")  # the session and the cache warm, as for any signed-in person
    few, page = dashboard_queries(client)
    assert page.count('class="card entry-card"') == 10
    assert "Your photo is 300 × 200 pixels; this category needs at least 1600." in page

    # Drafts in a second contest whose registration is gone: the page says so without asking per entry.
    other = contest_with_photos("YHD-2027")
    registrations.register(contest=other, user=entrant, now=timezone.now())
    add_entries(other, entrant, 20, 100)
    Registration.objects.filter(contest=other, user=entrant).delete()
    add_entries(contest, entrant, 30, 10)
    many, page = dashboard_queries(client)
    assert page.count('class="card entry-card"') == 60
    assert "Your registration must allow you to enter: see your registration page." in page
    assert many == few, f"{few} queries for 10 entries, {many} for 60"
    assert few <= 10



def copy_of(row, **changes):
    fields = {field.attname: getattr(row, field.attname) for field in type(row)._meta.concrete_fields}
    return type(row)(**{name: value for name, value in fields.items() if name != "id"} | changes)


def copy_entries(entrant, count: int) -> None:
    """`count` more entries for the entrant, each a copy of one it has, with its declarations, co-creators, file,
    jobs and renditions: written in bulk, as the page is tested here, not the services."""
    originals = list(Entry.objects.filter(entrant=entrant).order_by("pk"))
    sources = [originals[n % len(originals)] for n in range(count)]
    entries = Entry.objects.bulk_create(
        [copy_of(source, reference=f"BULK-{n:05d}") for n, source in enumerate(sources)], batch_size=2000
    )
    copied_from = dict(zip([e.pk for e in entries], [s.pk for s in sources], strict=True))
    for model in (EntryDeclaration, CoCreator):
        rows = defaultdict(list)
        for row in model.objects.filter(entry__in=originals):
            rows[row.entry_id].append(row)
        model.objects.bulk_create(
            [copy_of(row, entry_id=entry.pk) for entry in entries for row in rows[copied_from[entry.pk]]],
            batch_size=2000,
        )
    assets = {asset.entry_id: asset for asset in MediaAsset.objects.filter(entry__in=originals)}
    pairs = [(assets[copied_from[entry.pk]], entry) for entry in entries if copied_from[entry.pk] in assets]
    new_assets = MediaAsset.objects.bulk_create(
        [copy_of(asset, entry_id=entry.pk, sha256=f"{n:064x}") for n, (asset, entry) in enumerate(pairs)],
        batch_size=2000,
    )
    for model in (ProcessingJob, Rendition):
        rows = defaultdict(list)
        for row in model.objects.filter(asset__in=assets.values()):
            rows[row.asset_id].append(row)
        model.objects.bulk_create(
            [copy_of(row, asset_id=new.pk) for (old, _entry), new in zip(pairs, new_assets, strict=True)
             for row in rows[old.pk]],
            batch_size=2000,
        )


def test_the_dashboard_runs_the_same_queries_for_10_entries_as_for_10000(client):
    contest = contest_with_photos()
    entrant = EntrantFactory()
    registrations.register(contest=contest, user=entrant, now=timezone.now())
    add_entries(contest, entrant, 10, 0)
    client.force_login(entrant)
    client.get("/en/entries/")
    few, page = dashboard_queries(client)
    assert page.count('class="card entry-card"') == 10

    copy_entries(entrant, 9_990)
    many, page = dashboard_queries(client)
    assert page.count('class="card entry-card"') == 10_000
    assert page.count("Your photo is 300 × 200 pixels; this category needs at least 1600.") >= 3_000
    assert many == few, f"{few} queries for 10 entries, {many} for 10,000"
