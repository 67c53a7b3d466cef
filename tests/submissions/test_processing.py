"""The media pipeline end to end: an upload finishes, a real worker makes the renditions, the owner's pages show it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from contest.enums import MediaKind
from submissions.enums import FileState, JobKind, JobQueue, JobStatus
from submissions.media import sweeper
from submissions.models import MediaAsset, ProcessingJob, Rendition
from tests.conftest import wait_until
from tests.pages import text

from .processing_helpers import (
    FINAL,
    MATEO,
    demo_contest,
    draft,
    location_and_serial,
    photo_with_location,
    state,
    stored,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

IMAGE_SPECS = {"thumb.webp", "thumb.jpg", "display.webp", "display.jpg"}


@pytest.fixture
def contest(transactional_db):
    return demo_contest()


def test_a_photo_with_its_location_is_processed_into_web_images_that_give_nothing_away(contest, celery_worker, client):
    entry = draft(contest)
    asset = upload(entry, photo_with_location(), "IMG_0042.jpg")

    wait_until(lambda: state(asset) in FINAL, timeout=120, message="the photo's jobs to finish")

    asset.refresh_from_db()
    assert asset.state == FileState.READY
    assert {job.kind: job.queue for job in asset.jobs.all()} == {
        JobKind.PROBE: JobQueue.DEFAULT,
        JobKind.IMAGES: JobQueue.DEFAULT,
    }
    assert all(job.attempts == 1 and job.started_at and job.finished_at for job in asset.jobs.all())
    renditions = {rendition.spec: rendition for rendition in asset.renditions.all()}
    assert set(renditions) == IMAGE_SPECS
    for spec, rendition in renditions.items():
        with rendition.file.open("rb") as handle:
            data = handle.read()
        assert location_and_serial(data) == [], f"{spec} still carries {location_and_serial(data)}"
        assert rendition.size == len(data)
    assert max(renditions["display.jpg"].width, renditions["display.jpg"].height) == 1600
    assert max(renditions["thumb.webp"].width, renditions["thumb.webp"].height) == 400
    assert asset.facts["width"] == 2400

    client.force_login(entry.entrant)
    page = text(client.get(f"/en/entries/{entry.reference}/"))
    assert "Ready" in page
    shown = f"/en/entries/{entry.reference}/files/{asset.pk}/renditions/display.webp"
    assert f'src="{shown}"' in page

    image = client.get(shown)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/webp"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in image["Content-Security-Policy"]
    assert image["Cache-Control"].startswith("private")
    assert location_and_serial(b"".join(image.streaming_content)) == []

    status = client.get(f"/en/entries/{entry.reference}/processing.json").json()
    assert status["final"] is True
    assert status["file"]["state"] == "ready"
    assert status["file"]["preview"]["src"] == shown

    # Another entrant learns nothing, not even that the entry exists.
    client.force_login(User.objects.get(email=MATEO))
    assert client.get(shown).status_code == 404
    assert client.get(f"/en/entries/{entry.reference}/processing.json").status_code == 404


def test_a_file_the_category_refuses_fails_at_once_and_the_entry_page_says_what_to_do(contest, celery_worker, client):
    entry = draft(contest)
    # The photography category needs at least 1,600 pixels on the long side.
    asset = upload(entry, photo_with_location(size=(800, 600)), "small.jpg")

    wait_until(lambda: state(asset) in FINAL, timeout=120, message="the check to finish")
    # The email is claimed in a transaction of its own, just after the job's: a moment later.
    wait_until(lambda: MediaAsset.objects.get(pk=asset.pk).action_emailed_at, timeout=30,
               message="the entrant to be emailed")
    asset.refresh_from_db()

    probe = asset.jobs.get(kind=JobKind.PROBE)
    assert probe.status == JobStatus.FAILED
    assert probe.attempts == 1, "a bad file is not tried again"
    assert probe.error_code and probe.error_message
    assert asset.jobs.get(kind=JobKind.IMAGES).status == JobStatus.FAILED
    assert not Rendition.objects.filter(asset=asset).exists()

    client.force_login(entry.entrant)
    page = text(client.get(f"/en/entries/{entry.reference}/"))
    assert "Needs your action" in page
    assert probe.error_message in page
    # The entrant can still replace the file before the deadline.
    assert 'id="file-input"' in page
    dashboard = text(client.get("/en/entries/"))
    assert probe.error_message in dashboard


def test_the_sweeper_sends_again_a_job_whose_message_was_lost_and_one_whose_worker_died(contest, celery_worker):
    entry = draft(contest)
    asset = stored(entry, photo_with_location(), "jpg")
    asset.facts = {"kind": "image", "width": 2400, "height": 1600}
    asset.save(update_fields=["facts"])
    long_ago = timezone.now() - timedelta(hours=3)
    ProcessingJob.objects.create(
        asset=asset, kind=JobKind.PROBE, status=JobStatus.DONE, attempts=1, started_at=long_ago, finished_at=long_ago
    )
    # Its message vanished (say, Redis restarted without persistence): it was sent, never started.
    lost = ProcessingJob.objects.create(asset=asset, kind=JobKind.IMAGES, enqueued_at=long_ago)
    other = stored(draft(contest, kind=MediaKind.ARTWORK), photo_with_location(), "jpg")
    other.facts = {"kind": "image", "width": 2400, "height": 1600}
    other.save(update_fields=["facts"])
    ProcessingJob.objects.create(asset=other, kind=JobKind.PROBE, status=JobStatus.DONE, attempts=1)
    # Its worker died: running, no sign of life for ten minutes.
    dead = ProcessingJob.objects.create(
        asset=other,
        kind=JobKind.IMAGES,
        status=JobStatus.RUNNING,
        attempts=1,
        enqueued_at=long_ago,
        started_at=timezone.now() - timedelta(minutes=11),
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    fresh = ProcessingJob.objects.create(  # still alive: must be left alone
        asset=stored(entry, b"x", "jpg"),
        kind=JobKind.PROBE,
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )

    counts = sweeper.sweep(now=timezone.now())

    assert counts["running"] == 1 and counts["queued"] == 1
    wait_until(
        lambda: ProcessingJob.objects.filter(pk__in=[lost.pk, dead.pk], status=JobStatus.DONE).count() == 2,
        timeout=120,
        message="the swept jobs to be done",
    )
    assert ProcessingJob.objects.get(pk=dead.pk).attempts == 2
    assert ProcessingJob.objects.get(pk=lost.pk).attempts == 1
    for swept in (asset, other):
        assert set(swept.renditions.values_list("spec", flat=True)) == IMAGE_SPECS
    assert ProcessingJob.objects.get(pk=fresh.pk).status == JobStatus.RUNNING
