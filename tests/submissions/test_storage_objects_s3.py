"""No orphan objects on S3 (moto's server): after each step of a file's life the bucket holds exactly what rows name.

The web side and the processing side have folders of their own (the upload
folder, the worker's scratch folder): the bucket is all they share. Jobs run
through the worker's own code path (jobs.run_job), in this process, so no
other worker of the test session can take them.
"""

import io

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from accounts import services as accounts
from accounts.models import User
from contest.enums import MediaKind, Role
from contest.models import Contest, ContestRole
from demo.seed import SLUG, seed_demo
from submissions import files, services, storage_check, uploads
from submissions.enums import JobStatus
from submissions.media import jobs
from submissions.models import Entry, ProcessingJob
from tests.submissions.processing_helpers import photo_with_location
from tests.submissions.test_uploads_s3 import BUCKET, bucket, keys, private_on_s3, unfinished_uploads  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

AMIRA = "entrant1@voices.example"


@pytest.fixture
def demo(transactional_db) -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture
def separate_folders(tmp_path, monkeypatch):
    web, worker = tmp_path / "web-uploads", tmp_path / "worker-scratch"
    worker.mkdir()
    monkeypatch.setattr(jobs, "send", lambda job, countdown=0: None)  # run below, not by a worker of the session
    with override_settings(UPLOAD_TEMP_DIR=str(web), MEDIA_WORK_DIR=str(worker)):
        yield web, worker


def photo_entry(contest: Contest, title: str) -> Entry:
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=AMIRA),
        data={"theme": contest.themes.first(), "category": contest.categories.get(media_kind=MediaKind.PHOTO),
              "title": title},
        declarations=set(),
        now=timezone.now(),
    )


def upload(entry: Entry, data: bytes) -> None:
    started = uploads.start_upload(entry=entry, owner=entry.entrant, length=len(data), filename="IMG_2041.jpg",
                                   declared_type="image/jpeg", now=timezone.now())
    uploads.append(upload=started, offset=0, read=io.BytesIO(data).read, length=len(data), checksum=None,
                   now=timezone.now())


def process() -> None:
    """Run every queued job as a worker would, until none is left."""
    while job := ProcessingJob.objects.filter(status=JobStatus.QUEUED).order_by("pk").first():
        jobs.run_job(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, (job.kind, job.error_code, job.error_message)


def named() -> list[str]:
    return sorted(f"{alias}/{name}" for alias, name in files.named_by_rows())


def test_after_upload_process_replace_withdraw_and_erase_the_bucket_holds_exactly_what_rows_name(
    private_on_s3, bucket, demo, separate_folders  # noqa: F811
):
    first = photo_entry(demo, "Ban Naxay at dawn")

    upload(first, photo_with_location())
    assert keys(bucket, "") == named() and len(named()) == 1

    process()
    assert keys(bucket, "") == named() and len(named()) == 5  # the original and its four renditions

    upload(first, photo_with_location((2000, 1400)))  # a replacement: the old original and renditions go
    assert keys(bucket, "") == named() and len(named()) == 1
    process()
    assert keys(bucket, "") == named() and len(named()) == 5

    services.withdraw_entry(entry=first, now=timezone.now())
    assert keys(bucket, "") == named() == []

    second = photo_entry(demo, "Ban Naxay at dusk")
    upload(second, photo_with_location())
    process()
    assert keys(bucket, "") == named() and len(named()) == 5
    accounts.delete_account(user=User.objects.get(email=AMIRA), now=timezone.now())
    assert keys(bucket, "") == named() == []
    assert unfinished_uploads(bucket) == []

    check = storage_check.check(now=timezone.now())
    assert (check.orphans, check.missing) == (0, 0)


def test_the_storage_check_finds_orphans_and_missing_objects_and_deletes_only_day_old_orphans(
    private_on_s3, bucket, demo, separate_folders, client, caplog  # noqa: F811
):
    entry = photo_entry(demo, "Ban Naxay at dawn")
    upload(entry, photo_with_location())
    asset = entry.assets.get()
    bucket.put_object(Bucket=BUCKET, Key="private/renditions/left-behind/display.webp", Body=b"x")
    bucket.delete_object(Bucket=BUCKET, Key=f"private/{asset.file.name}")

    today = storage_check.check(now=timezone.now())
    assert (today.orphans, today.orphans_deleted, today.missing) == (1, 0, 1)
    assert today.orphan_names == ["private:renditions/left-behind/display.webp"]
    assert today.missing_names == [f"private:{asset.file.name}"]
    assert "1 rows whose object is missing" in caplog.text
    # The organizers read it on the contest's processing page, with the entry whose file is missing.
    organizer = User.objects.create_user(email="olga@voices.example", password="a-long-password-1")
    ContestRole.objects.create(contest=demo, user=organizer, role=Role.ORGANIZER)
    client.force_login(organizer)
    page = client.get(f"/en/manage/{demo.slug}/processing/").content.decode()
    assert 'data-orphans="1"' in page and 'data-missing="1"' in page
    assert f"<span data-missing-here>{entry.reference}</span>" in page

    tomorrow = storage_check.check(now=timezone.now() + timezone.timedelta(days=1, minutes=5))
    assert (tomorrow.orphans, tomorrow.orphans_deleted) == (1, 1)
    assert keys(bucket, "") == []
