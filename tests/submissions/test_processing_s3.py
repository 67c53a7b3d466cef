"""A worker on S3 (moto's server): it fetches the original and stores renditions through the storage API."""

import io
import os

import boto3
import pytest
from PIL import Image

from submissions import tasks
from submissions.enums import JobKind, JobStatus
from submissions.models import MediaAsset, ProcessingJob, Rendition
from tests.conftest import wait_until

from .processing_helpers import demo_contest, draft, location_and_serial, photo_with_location, start_worker, stop

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "voices-test"


def test_a_worker_on_s3_reads_the_original_from_the_bucket_and_stores_clean_renditions_there(
    s3_server, transactional_db, tmp_path, monkeypatch
):
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    entry = draft(demo_contest())
    # Entry references restart in each test database: clear what an earlier run left under this one.
    for item in client.list_objects_v2(Bucket=BUCKET, Prefix=f"private/renditions/{entry.reference}/").get(
        "Contents", []
    ):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    name = f"entries/{entry.reference}/s3-original.jpg"
    data = photo_with_location()
    client.put_object(Bucket=BUCKET, Key=f"private/{name}", Body=data)
    asset = MediaAsset(entry=entry, original_name="IMG.jpg", size=len(data), sha256="0" * 64, file_format="jpg")
    asset.file.name = name  # the bytes are in the bucket only
    asset.facts = {"kind": "image", "width": 2400, "height": 1600}
    asset.save()
    ProcessingJob.objects.create(asset=asset, kind=JobKind.PROBE, status=JobStatus.DONE, attempts=1)
    job = ProcessingJob.objects.create(asset=asset, kind=JobKind.IMAGES)

    for key, value in {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }.items():
        monkeypatch.setenv(key, value)  # start_worker passes this process's environment on
    queue = f"s3-{os.getpid()}"
    worker = start_worker("s3", queue, tmp_path)
    try:
        tasks.run_short_job.apply_async((job.pk,), queue=queue)
        wait_until(
            lambda: ProcessingJob.objects.get(pk=job.pk).status in (JobStatus.DONE, JobStatus.FAILED),
            timeout=120,
            message="the S3 worker to finish the job",
        )
    finally:
        stop(worker)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.DONE, "")
    stored = {r.spec: r.file.name for r in Rendition.objects.filter(asset=asset)}
    assert set(stored) == {"thumb.webp", "thumb.jpg", "display.webp", "display.jpg"}
    for spec, key in stored.items():
        body = client.get_object(Bucket=BUCKET, Key=f"private/{key}")["Body"].read()
        assert location_and_serial(body) == [], spec
        assert max(Image.open(io.BytesIO(body)).size) in (400, 1600)
