"""The upload path with the private storage on S3 (moto's server speaks the real S3 API over HTTP)."""

import io
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contest.enums import MediaKind
from contest.models import Contest
from demo.seed import SLUG, seed_demo
from submissions import services, uploads
from submissions.models import Attachment, Entry, MediaAsset, Rendition, Upload
from tests.uploading import make_mp4, sha256

pytestmark = pytest.mark.django_db

BUCKET = "voices-test"
AMIRA = "entrant1@voices.example"
MATEO = "entrant2@voices.example"


@pytest.fixture
def bucket(s3_server):
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)
    empty(client)  # each test counts the objects its own steps leave
    return client


def empty(client) -> None:
    for key in keys(client, ""):
        client.delete_object(Bucket=BUCKET, Key=key)
    for unfinished in client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []):
        client.abort_multipart_upload(Bucket=BUCKET, Key=unfinished["Key"], UploadId=unfinished["UploadId"])


def unfinished_uploads(client) -> list[str]:
    return [u["Key"] for u in client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])]


@pytest.fixture
def private_on_s3(s3_server, bucket):
    """The settings a deployment with AWS_STORAGE_BUCKET_NAME gets (config/settings/base.py), on moto's server."""
    s3 = "config.storages.S3Storage"
    connection = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_server,
        "access_key": "test",
        "secret_key": "test",
        "region_name": "us-east-1",
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    private = {
        "BACKEND": s3,
        "OPTIONS": {
            "location": "private",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            **connection,
        },
    }
    public = {
        "BACKEND": s3,
        "OPTIONS": {"location": "public", "default_acl": None, "querystring_auth": False, **connection},
    }
    storages = {
        "private": private,
        "public": public,
        "default": private,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, AWS_STORAGE_BUCKET_NAME=BUCKET):
        # The models ask `private_storage()` and `public_storage()` for their storage once, at import, as a
        # process started with these settings would; ask again now that the settings say S3.
        from results.models import PublishedFile, WinnerVerification

        fields = [MediaAsset._meta.get_field("file"), Rendition._meta.get_field("file"),
                  Attachment._meta.get_field("file"), WinnerVerification._meta.get_field("document"),
                  PublishedFile._meta.get_field("file")]
        on_disk = [field.storage for field in fields]
        for field in fields:
            field.storage = field._storage_callable()
        try:
            yield fields[0].storage
        finally:
            for field, storage in zip(fields, on_disk, strict=True):
                field.storage = storage


@pytest.fixture
def demo(db) -> Contest:
    cache.clear()
    seed_demo(now=timezone.now())
    return Contest.objects.get(slug=SLUG)


@pytest.fixture(scope="module")
def film(tmp_path_factory) -> bytes:
    return make_mp4(tmp_path_factory.mktemp("media") / "film.mp4", seconds=2).read_bytes()


def video_entry(contest: Contest) -> Entry:
    return services.create_entry(
        contest=contest,
        entrant=User.objects.get(email=AMIRA),
        data={
            "theme": contest.themes.first(),
            "category": contest.categories.get(media_kind=MediaKind.VIDEO),
            "title": "The fields of Ban Naxay",
        },
        declarations=set(),
        now=timezone.now(),
    )


def upload_in_two_parts(entry: Entry, data: bytes, filename: str = "film.mp4") -> Upload:
    upload = uploads.start_upload(
        entry=entry,
        owner=entry.entrant,
        length=len(data),
        filename=filename,
        declared_type="video/mp4",
        now=timezone.now(),
    )
    half = len(data) // 2
    for offset, part in ((0, data[:half]), (half, data[half:])):
        uploads.append(
            upload=upload,
            offset=offset,
            read=io.BytesIO(part).read,
            length=len(part),
            checksum=None,
            now=timezone.now(),
        )
    return upload


def keys(client, prefix: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def test_a_finished_upload_lands_in_the_bucket_and_downloads_by_a_short_signed_link(
    private_on_s3, bucket, demo, film, client
):
    entry = video_entry(demo)

    upload = upload_in_two_parts(entry, film)

    asset = entry.assets.get()
    assert asset.sha256 == sha256(film)
    # The one object is the file, under a key that names neither the entry nor the file sent.
    assert keys(bucket, "") == [f"private/{asset.file.name}"]
    assert entry.reference not in asset.file.name and "film" not in asset.file.name
    assert bucket.get_object(Bucket=BUCKET, Key=f"private/{asset.file.name}")["Body"].read() == film
    assert unfinished_uploads(bucket) == []
    assert not uploads.temp_path(upload).exists()

    link = reverse("submissions:asset_download", kwargs={"reference": entry.reference, "pk": asset.pk})
    client.force_login(entry.entrant)
    answer = client.get(link)
    assert answer.status_code == 302
    signed = answer["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Signature"]
    assert 0 < int(query["X-Amz-Expires"][0]) <= 300
    # Served like a local original: bytes to save, whatever type S3 stored it with.
    assert query["response-content-type"] == ["application/octet-stream"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    fetched = requests.get(signed, timeout=10)
    assert fetched.status_code == 200 and fetched.content == film
    assert fetched.headers["Content-Type"] == "application/octet-stream"
    assert fetched.headers["Content-Disposition"] == f'attachment; filename="{entry.reference}.mp4"'
    assert requests.get(signed.split("?")[0], timeout=10).status_code == 403

    client.force_login(User.objects.get(email=MATEO))
    assert client.get(link).status_code == 404


def test_a_replacement_on_s3_removes_the_old_object_once_the_new_one_is_in(
    private_on_s3, bucket, demo, film, tmp_path, django_capture_on_commit_callbacks
):
    entry = video_entry(demo)
    upload_in_two_parts(entry, film)
    old = entry.assets.get()
    second = make_mp4(tmp_path / "second.mp4", seconds=1, pattern="testsrc2").read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        upload_in_two_parts(entry, second, filename="second-cut.mp4")

    new = entry.assets.get(replaced_at__isnull=True)
    assert new.sha256 == sha256(second)
    assert keys(bucket, "") == [f"private/{new.file.name}"]
    assert bucket.get_object(Bucket=BUCKET, Key=f"private/{new.file.name}")["Body"].read() == second
    assert old.file.name != new.file.name
