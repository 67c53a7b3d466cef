"""Processing jobs run in this process: idempotent reruns, the entrant told once, private files served safely."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.models import User
from submissions.enums import FileState, JobKind, JobStatus
from submissions.media import jobs, sweeper
from submissions.media.serve import serve_file
from submissions.models import MediaAsset, ProcessingJob, Rendition

from .processing_helpers import MATEO, demo_contest, draft, location_and_serial, photo_with_location, stored

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contest(transactional_db):
    return demo_contest()


def checked_photo(entry) -> MediaAsset:
    """A stored photo whose check has passed, with its web-images job waiting."""
    asset = stored(entry, photo_with_location(), "jpg")
    asset.facts = {"kind": "image", "width": 2400, "height": 1600}
    asset.save(update_fields=["facts"])
    ProcessingJob.objects.create(asset=asset, kind=JobKind.PROBE, status=JobStatus.DONE, attempts=1)
    return asset


def test_running_a_job_twice_leaves_one_rendition_per_spec_and_the_same_files(contest):
    asset = checked_photo(draft(contest))
    job = ProcessingJob.objects.create(asset=asset, kind=JobKind.IMAGES)

    assert jobs.run_job(job_id=job.pk) == JobStatus.DONE
    first = {r.spec: (r.file.name, r.size) for r in Rendition.objects.filter(asset=asset)}
    assert len(first) == 4

    # The broker delivers the same message again: nothing happens.
    assert jobs.run_job(job_id=job.pk) is None
    # A worker died after storing the renditions but before marking the job done; the sweeper sent it again.
    ProcessingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    assert jobs.run_job(job_id=job.pk) == JobStatus.DONE

    again = {r.spec: (r.file.name, r.size) for r in Rendition.objects.filter(asset=asset)}
    assert again == first
    assert Rendition.objects.filter(asset=asset).count() == 4
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    assert MediaAsset.objects.get(pk=asset.pk).state == FileState.READY


def test_a_job_another_worker_is_running_is_left_to_it(contest):
    asset = checked_photo(draft(contest))
    job = ProcessingJob.objects.create(
        asset=asset, kind=JobKind.IMAGES, status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert jobs.run_job(job_id=job.pk) is None
    assert not Rendition.objects.filter(asset=asset).exists()
    assert ProcessingJob.objects.get(pk=job.pk).attempts == 1


def test_a_starting_worker_clears_scratch_folders_of_stopped_jobs_and_keeps_those_still_running(
    contest, settings, tmp_path
):
    settings.MEDIA_WORK_DIR = str(tmp_path)
    asset = checked_photo(draft(contest))
    now = timezone.now()
    running = ProcessingJob.objects.create(
        asset=checked_photo(draft(contest)), kind=JobKind.IMAGES, status=JobStatus.RUNNING, started_at=now,
        heartbeat_at=now,
    )
    killed = ProcessingJob.objects.create(
        asset=asset, kind=JobKind.IMAGES, status=JobStatus.RUNNING, started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(hours=1),
    )
    folders = {job: tmp_path / f"{jobs.WORK_PREFIX}{job.pk}-x1y2" for job in (running, killed)}
    for folder in folders.values():
        (folder / "out").mkdir(parents=True)
        (folder / "original.jpg").write_bytes(b"a copy of the entrant's photo")
    unrelated = tmp_path / "someone-elses-file"
    unrelated.mkdir()

    assert jobs.remove_leftovers(now=now) == 1
    assert folders[running].exists() and not folders[killed].exists() and unrelated.exists()


def test_a_job_taken_again_first_clears_the_folder_its_killed_attempt_left(contest, settings, tmp_path):
    settings.MEDIA_WORK_DIR = str(tmp_path)
    asset = checked_photo(draft(contest))
    job = ProcessingJob.objects.create(asset=asset, kind=JobKind.IMAGES, attempts=1, error_code="worker_lost")
    earlier = tmp_path / f"{jobs.WORK_PREFIX}{job.pk}-k1ll"
    earlier.mkdir()
    (earlier / "original.jpg").write_bytes(b"a copy of the entrant's photo")
    neighbour = tmp_path / f"{jobs.WORK_PREFIX}{job.pk}0-n3xt"  # job number ten times this one: not its folder
    neighbour.mkdir()

    assert jobs.run_job(job_id=job.pk) == JobStatus.DONE
    assert not earlier.exists() and neighbour.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [neighbour.name]


def test_a_job_that_keeps_failing_for_outside_reasons_stops_and_says_it_is_not_the_files_fault(contest, settings):
    settings.MEDIA_JOB_MAX_ATTEMPTS = 2
    entry = draft(contest)
    asset = checked_photo(entry)
    asset.file.storage.delete(asset.file.name)  # the storage lost the original: an OSError each time
    job = ProcessingJob.objects.create(asset=asset, kind=JobKind.IMAGES)

    assert jobs.run_job(job_id=job.pk) == JobStatus.QUEUED
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error_code) == (JobStatus.QUEUED, 1, "transient")
    assert job.enqueued_at > timezone.now(), "the retry waits a little"
    assert jobs.run_job(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error_code) == (JobStatus.FAILED, 2, "gave_up")
    assert "not with your file" in job.error_message
    assert MediaAsset.objects.get(pk=asset.pk).state == FileState.HELD
    assert not mail.outbox, "nothing for the entrant to do, so no email"


def test_the_entrant_is_emailed_once_in_their_language_when_a_file_needs_them(contest):
    entry = draft(contest)
    User.objects.filter(pk=entry.entrant_id).update(preferred_language="es")
    asset = stored(entry, b"not really a photo", "jpg")
    ProcessingJob.objects.create(
        asset=asset,
        kind=JobKind.PROBE,
        status=JobStatus.FAILED,
        error_code="damaged",
        error_message="Este archivo está dañado. Expórtalo de nuevo.",
    )

    assert jobs.tell_entrant(asset_id=asset.pk) is True
    assert jobs.tell_entrant(asset_id=asset.pk) is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [entry.entrant.email]
    assert entry.reference in message.subject
    assert "Este archivo está dañado. Expórtalo de nuevo." in message.body
    with translation.override("es"):
        month = date_format(entry.contest.closes_at.astimezone(entry.contest.zone), "F")
    assert month in message.body, "the deadline is written in Spanish"
    assert f"/entries/{entry.reference}/" in message.body


def test_a_replaced_files_jobs_stop_and_its_renditions_go(contest):
    entry = draft(contest)
    old = checked_photo(entry)
    job = ProcessingJob.objects.create(asset=old, kind=JobKind.IMAGES)
    jobs.run_job(job_id=job.pk)
    names = list(Rendition.objects.filter(asset=old).values_list("file", flat=True))
    assert len(names) == 4
    MediaAsset.objects.filter(pk=old.pk).update(replaced_at=timezone.now())
    ProcessingJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)

    assert jobs.run_job(job_id=job.pk) is None
    assert ProcessingJob.objects.get(pk=job.pk).error_code == "replaced"
    assert sweeper.sweep(now=timezone.now())["removed"] == 4
    assert not Rendition.objects.filter(asset=old).exists()
    assert not any(old.file.storage.exists(name) for name in names)


# --- Serving a private file ----------------------------------------------------
@pytest.fixture
def video_rendition(contest):
    asset = stored(draft(contest), b"original", "mp4")
    rendition = Rendition(asset=asset, spec="video.mp4", content_type="video/mp4", size=1000)
    rendition.file.save("renditions/test/video.mp4", ContentFile(bytes(range(250)) * 4), save=True)
    return rendition


def test_a_video_is_served_in_the_ranges_a_browser_asks_for_when_seeking(video_rendition, client):
    entry = video_rendition.asset.entry
    client.force_login(entry.entrant)
    url = f"/en/entries/{entry.reference}/files/{video_rendition.asset_id}/renditions/video.mp4"
    body = bytes(range(250)) * 4

    whole = client.get(url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == body
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Length"] == "1000"

    middle = client.get(url, HTTP_RANGE="bytes=100-199")
    assert middle.status_code == 206
    assert middle["Content-Range"] == "bytes 100-199/1000"
    assert b"".join(middle.streaming_content) == body[100:200]

    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert (tail.status_code, b"".join(tail.streaming_content)) == (206, body[-10:])
    rest = client.get(url, HTTP_RANGE="bytes=990-")
    assert b"".join(rest.streaming_content) == body[990:]

    beyond = client.get(url, HTTP_RANGE="bytes=5000-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == "bytes */1000"

    for response in (whole, middle, beyond):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Cache-Control"].startswith("private")

    client.force_login(User.objects.get(email=MATEO))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_on_s3_a_private_file_is_a_signed_link_of_five_minutes_at_most(s3_server, video_rendition):
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="voices-test",
        endpoint_url=s3_server,
        access_key="test",
        secret_key="test",
        region_name="us-east-1",
        location="private",
        querystring_auth=True,
        querystring_expire=3600,
        default_acl=None,
    )
    name = storage.save("renditions/test/video.mp4", ContentFile(b"frames"))
    field_file = FieldFile(video_rendition, Rendition._meta.get_field("file"), name)
    field_file.storage = storage

    response = serve_file(
        RequestFactory().get("/"), field_file, content_type="video/mp4", download_name="CCM-2026-0001.mp4"
    )

    assert response.status_code == 302
    assert "X-Amz-Expires=300" in response["Location"]
    assert "response-content-type=video%2Fmp4" in response["Location"]
    assert response["Cache-Control"] == "private, no-store"
    import requests

    assert requests.get(response["Location"], timeout=5).content == b"frames"


def test_the_photo_helper_really_carries_a_location(contest):
    """The end-to-end test's sample is only meaningful if there is something to strip."""
    assert set(location_and_serial(photo_with_location())) >= {"GPS", "serial tag", "camera"}


def test_organizers_find_failed_jobs_and_their_reasons_in_the_administration(contest, client):
    asset = stored(draft(contest), b"broken", "jpg")
    ProcessingJob.objects.create(
        asset=asset, kind=JobKind.PROBE, status=JobStatus.FAILED, error_code="damaged", error_message="Damaged."
    )
    client.force_login(User.objects.create_superuser(email="admin@voices.example", password="a-long-password-1"))
    page = client.get("/en/admin/submissions/processingjob/?status__exact=failed")
    assert page.status_code == 200
    assert "damaged" in page.content.decode()
    assert asset.entry.reference in page.content.decode()
