"""The queues seen by organizers and entrants, against a queue this test fills; every job row ends.

The queue is filled with job rows as the workers leave them: done jobs that
took 30 s each, two running, forty waiting since up to nineteen and a half minutes ago.
"""

import logging
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from contest.enums import Role
from contest.models import ContestRole
from submissions import selectors
from submissions.enums import JobKind, JobQueue, JobStatus
from submissions.media import messages, sweeper
from submissions.models import REPLACED, MediaAsset, ProcessingJob

from .processing_helpers import MATEO, demo_contest, draft, photo_with_location, stored, upload

pytestmark = pytest.mark.django_db(transaction=True)

WAITING, RUNNING, DONE, RETRYING = 40, 2, 10, 3


def assets(entry, count: int) -> list[MediaAsset]:
    """Rows only: the figures read the job rows, not the files."""
    return MediaAsset.objects.bulk_create(
        [MediaAsset(entry=entry, file=f"entries/{entry.reference}/{n}.jpg", size=1, sha256="0" * 64,
                    file_format="jpg") for n in range(count)]
    )


@pytest.fixture
def filled(transactional_db):
    """The default queue: 10 done in 30 s each, 2 running, 40 waiting (oldest 19.5 min), 3 waiting to retry."""
    now = timezone.now()
    contest = demo_contest()
    entry = draft(contest)
    rows = iter(assets(entry, DONE + RUNNING + WAITING + RETRYING))
    for n in range(DONE):
        finished = now - timedelta(minutes=30) + timedelta(minutes=n)
        ProcessingJob.objects.create(asset=next(rows), kind=JobKind.IMAGES, status=JobStatus.DONE, attempts=1,
                                     started_at=finished - timedelta(seconds=30), finished_at=finished)
    for _ in range(RUNNING):
        ProcessingJob.objects.create(asset=next(rows), kind=JobKind.IMAGES, status=JobStatus.RUNNING, attempts=1,
                                     started_at=now, heartbeat_at=now)
    waiting = [
        ProcessingJob.objects.create(asset=next(rows), kind=JobKind.PROBE,
                                     enqueued_at=now - timedelta(minutes=19, seconds=30) + timedelta(seconds=30 * n))
        for n in range(WAITING)
    ]
    for _ in range(RETRYING):
        ProcessingJob.objects.create(asset=next(rows), kind=JobKind.PROBE, enqueued_at=now + timedelta(minutes=5))
    return {"contest": contest, "entry": entry, "waiting": waiting, "now": now}


def test_the_figures_of_a_filled_queue(filled):
    default, media = selectors.queue_figures(now=filled["now"])

    assert (default.queue, default.waiting, default.retrying, default.running) == ("default", WAITING, RETRYING, 2)
    assert default.oldest_wait == timedelta(minutes=19, seconds=30)
    assert default.seconds_per_job == 30
    assert default.per_minute == 4  # two at a time, 30 s each
    assert default.clears_in == timedelta(minutes=10)
    assert not default.stalled
    assert (media.waiting, media.running, media.clears_in) == (0, 0, timedelta(0))


def test_an_entrant_whose_file_waits_reads_its_place_and_about_how_long(filled):
    thirteenth = filled["waiting"][12]
    asset = MediaAsset.objects.prefetch_related("jobs").get(pk=thirteenth.asset_id)
    line = selectors.place_in_line(asset, now=filled["now"])
    assert line == "Your file is in line to be processed, behind 12 other files. It should start in about 3 minutes."

    first = MediaAsset.objects.prefetch_related("jobs").get(pk=filled["waiting"][0].asset_id)
    assert selectors.place_in_line(first, now=filled["now"]) == "Your file is next in line to be processed."


def test_the_entry_page_and_its_poll_tell_the_entrant_in_words(filled):
    entry = filled["entry"]
    # The entry's current file is its newest: make the thirteenth waiting one that file.
    MediaAsset.objects.filter(entry=entry).exclude(pk=filled["waiting"][12].asset_id).update(
        replaced_at=filled["now"]
    )
    client = Client()
    client.force_login(entry.entrant)
    polled = client.get(f"/en/entries/{entry.reference}/processing.json").json()
    assert polled["file"]["line"].startswith("Your file is in line to be processed, behind 12 other files.")
    page = client.get(f"/fr/entries/{entry.reference}/").content.decode()
    assert "Votre fichier attend son tour pour être traité, derrière 12 autres fichiers." in page


def test_organizers_see_the_queues_and_others_do_not(filled):
    contest = filled["contest"]
    organizer = User.objects.create_user(email="olga@voices.example", password="a-long-password-1")
    ContestRole.objects.create(contest=contest, user=organizer, role=Role.ORGANIZER)
    client = Client()
    url = f"/en/manage/{contest.slug}/processing/"

    client.force_login(organizer)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    row = html[html.index('data-queue="default"'):html.index('data-queue="media"')]
    assert cell(row, "waiting") == f"{WAITING} (and 3 waiting to be tried again)"
    assert cell(row, "oldest") == "about 20 minutes"
    assert cell(row, "running") == "2"
    assert cell(row, "rate") == "4.0"
    assert cell(row, "clears") == "about 10 minutes"

    client.force_login(User.objects.get(email=MATEO))  # an entrant
    assert client.get(url).status_code == 404


def test_a_queue_with_jobs_waiting_and_no_worker_says_so(filled):
    entry = filled["entry"]
    waiting = assets(entry, 2)
    for asset in waiting:
        ProcessingJob.objects.create(asset=asset, kind=JobKind.VIDEO, queue=JobQueue.MEDIA,
                                     enqueued_at=filled["now"] - timedelta(minutes=3))
    media = selectors.queue_figures(now=filled["now"], queues=[JobQueue.MEDIA])[0]
    assert media.stalled and media.clears_in is None
    assert media.waiting == 2


# --- Every job row ends ---------------------------------------------------------------
def test_replacing_a_file_cancels_its_old_jobs_and_the_new_file_is_processed(transactional_db):
    entry = draft(demo_contest())
    # The first file's jobs as they wait in line (rows only: a worker left over from another test must not take
    # them before the replacement arrives).
    first = stored(entry, photo_with_location(), "jpg")
    for kind in (JobKind.PROBE, JobKind.IMAGES):
        ProcessingJob.objects.create(asset=first, kind=kind)
    second = upload(entry, photo_with_location((1200, 800)), "second.jpg")

    old = list(ProcessingJob.objects.filter(asset=first))
    assert old and {(job.status, job.error_code) for job in old} == {(JobStatus.CANCELLED, REPLACED)}
    assert all(job.finished_at for job in old)
    assert second.jobs.filter(kind=JobKind.PROBE, status=JobStatus.QUEUED).exists()
    assert selectors.processing_status(entry)["file"]["state"] == "waiting"


def test_the_sweeper_ends_jobs_of_replaced_or_deleted_files_that_were_left_open(transactional_db):
    entry = draft(demo_contest())
    replaced, deleted, current = (stored(entry, b"photo", "jpg") for _ in range(3))
    for asset in (replaced, deleted, current):
        ProcessingJob.objects.create(asset=asset, kind=JobKind.PROBE, status=JobStatus.DONE, attempts=1)
        ProcessingJob.objects.create(asset=asset, kind=JobKind.IMAGES, status=JobStatus.QUEUED)
    MediaAsset.objects.filter(pk=replaced.pk).update(replaced_at=timezone.now())
    MediaAsset.objects.filter(pk=deleted.pk).update(file="")

    assert sweeper.cancel_jobs_of_gone_files(now=timezone.now()) == 2
    statuses = dict(ProcessingJob.objects.filter(kind=JobKind.IMAGES).values_list("asset_id", "status"))
    assert statuses == {replaced.pk: JobStatus.CANCELLED, deleted.pk: JobStatus.CANCELLED,
                        current.pk: JobStatus.QUEUED}


def test_the_daily_check_names_jobs_a_day_old_that_have_not_ended_in_the_log(transactional_db, caplog):
    entry = draft(demo_contest())
    old, fresh = stored(entry, b"a", "jpg"), stored(entry, b"b", "jpg")
    stuck = ProcessingJob.objects.create(asset=old, kind=JobKind.PROBE)
    ProcessingJob.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=25))
    ProcessingJob.objects.create(asset=fresh, kind=JobKind.PROBE)

    with caplog.at_level(logging.ERROR, logger="submissions.media.sweeper"):
        assert sweeper.report_unfinished(now=timezone.now()) == 1
    assert f"{stuck.pk} ({entry.reference}, probe, queued)" in caplog.text
    assert entry.entrant.email not in caplog.text


def test_the_sweeper_resends_only_queued_jobs_whose_mark_on_the_broker_is_gone(transactional_db, settings):
    """A long queue whose messages are there is left alone; those Redis lost are sent again."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("the marks live beside the messages in Redis; the filesystem broker keeps its messages")
    entry = draft(demo_contest())
    long_ago = timezone.now() - timedelta(minutes=10)
    queued = []
    for _ in range(10):
        asset = stored(entry, b"photo", "jpg")
        queued.append(ProcessingJob.objects.create(asset=asset, kind=JobKind.PROBE, enqueued_at=long_ago))
    with_message, lost = queued[:7], queued[7:]
    messages.forget([job.pk for job in queued])
    messages.mark_sent([job.pk for job in with_message])

    counts = sweeper.sweep(now=timezone.now())

    assert counts["queued"] == 3
    sent_again = set(ProcessingJob.objects.filter(pk__in=[j.pk for j in queued], enqueued_at__gt=long_ago)
                     .values_list("pk", flat=True))
    assert sent_again == {job.pk for job in lost}, "only the jobs whose messages were lost"
    assert messages.without_message([job.pk for job in with_message]) == set()


@pytest.mark.browser
@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("ar", 360)])
def test_the_processing_page_reads_on_a_phone_and_in_arabic_and_passes_axe(filled, browser, live_server, language,
                                                                          width):
    from django.conf import settings

    from tests.conftest import assert_accessible

    contest = filled["contest"]
    organizer = User.objects.create_user(email="olga@voices.example", password="a-long-password-1")
    ContestRole.objects.create(contest=contest, user=organizer, role=Role.ORGANIZER)
    client = Client()
    client.force_login(organizer)
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{language}/manage/{contest.slug}/processing/")
        assert page.locator("[data-queue=default] [data-running]").inner_text() == "2"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page, f"processing-queues-{language}-{width}")
    finally:
        context.close()


def cell(row: str, name: str) -> str:
    """The text of the row's cell marked data-<name>, as a reader sees it (tags and spacing aside)."""
    found = re.search(rf"<td[^>]*\bdata-{name}\b[^>]*>(.*?)</td>", row, re.S)
    assert found, f"no data-{name} cell"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())
