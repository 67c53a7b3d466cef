"""The nightly storage check: objects no row names, and rows whose object is missing; old orphans are deleted.

Files are deleted after their rows' transaction commits, so a process that
dies in between leaves an object behind; a storage that refused a delete
does too. This check finds them, in every storage (private and public) and
among S3's unfinished multipart uploads, reports what it found to the log
and to the organizers' processing page, and deletes what has been an orphan
for more than a day (younger ones may belong to a transaction still under
way). A row whose object is missing is only reported: nothing can bring the
bytes back, but someone must know.
"""

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.files.storage import storages

from . import files, shared_uploads
from .enums import UploadStatus
from .media.serve import is_s3
from .models import StorageCheck, Upload

logger = logging.getLogger(__name__)

ORPHAN_AGE = timedelta(days=1)
KEPT_NAMES = 300


def _listing(alias: str) -> dict[str, datetime]:
    """Every object of a storage, by name, with the time it was written."""
    storage = storages[alias]
    if is_s3(storage):
        prefix = storage._normalize_name("")  # "private/" in the shared bucket
        prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        return {
            item.key[len(prefix):]: item.last_modified
            for item in storage.bucket.objects.filter(Prefix=prefix)
            if not item.key.endswith("/")
        }
    root = Path(storage.location)
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return found


def _under_way() -> set[str]:
    """Folders of uploads still receiving: their parts, tails and a joined object waiting for its row belong."""
    prefixes = set()
    for upload_id in Upload.objects.filter(status=UploadStatus.RECEIVING).values_list("pk", flat=True):
        prefixes |= {f"uploads/{upload_id.hex}/", f"{files.original_folder(upload_id)}/"}
    return prefixes


def check(*, now: datetime) -> StorageCheck:
    named = files.named_by_rows()
    under_way = _under_way()
    found: dict[tuple[str, str], datetime] = {}
    aliases = [files.PRIVATE, files.PUBLIC]
    for alias in aliases:
        found |= {(alias, name): when for name, when in _listing(alias).items()}
    orphans = {
        key: when for key, when in found.items()
        if key not in named and not any(key[1].startswith(prefix) for prefix in under_way)
    }
    missing = sorted(f"{alias}:{name}" for alias, name in named - set(found))
    old = [key for key, when in orphans.items() if now - when > ORPHAN_AGE]
    deleted = files.delete_now(old)
    deleted += _abort_forgotten_multipart_uploads(now=now)
    result = StorageCheck.objects.create(
        checked_at=now,
        objects_found=len(found),
        orphans=len(orphans),
        orphans_deleted=deleted,
        missing=len(missing),
        orphan_names=[f"{alias}:{name}" for alias, name in sorted(orphans)][:KEPT_NAMES],
        missing_names=missing[:KEPT_NAMES],
    )
    if orphans or missing:
        logger.error(
            "storage check: %s objects no row names (%s deleted, being more than a day old), %s rows whose object "
            "is missing: %s", len(orphans), deleted, len(missing), ", ".join(missing[:50]) or "none",
        )
    else:
        logger.info("storage check: %s objects, each named by a row; every row's object is there", len(found))
    return result


def _abort_forgotten_multipart_uploads(*, now: datetime) -> int:
    """S3 multipart uploads a day old whose upload no longer receives (a node died while giving it up)."""
    if not shared_uploads.enabled():
        return 0
    bucket = shared_uploads._Bucket()
    receiving = set(Upload.objects.filter(status=UploadStatus.RECEIVING).exclude(storage_upload_id="").values_list(
        "storage_upload_id", flat=True))
    aborted = 0
    paginator = bucket.client.get_paginator("list_multipart_uploads")
    for page in paginator.paginate(Bucket=bucket.name, Prefix=bucket.key("originals/")):
        for unfinished in page.get("Uploads", []):
            if unfinished["UploadId"] in receiving or now - unfinished["Initiated"] <= ORPHAN_AGE:
                continue
            bucket.client.abort_multipart_upload(Bucket=bucket.name, Key=unfinished["Key"],
                                                 UploadId=unfinished["UploadId"])
            aborted += 1
    return aborted


def latest() -> StorageCheck | None:
    return StorageCheck.objects.order_by("-checked_at").first()
