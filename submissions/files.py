"""Where an entry's stored files live and how they go: keys that name nothing, deletion once the rows are gone.

A storage key never names the entry, the entrant or the uploaded file: keys
are random (or keyed hashes), so a signed link in a judge's browser tells
nothing about whose work it is. The entry's reference appears only in the
download name that the owner and the organizers see.

Files go in one way only: the rows change in a transaction, and the objects
they named are deleted once it commits, so a rollback never leaves a row
pointing at nothing. Apps above this one (the results' published copies and
identity documents) tell this module about the files they hold, through
`register`, so deleting an entry's files and the nightly storage check see
theirs too.
"""

import logging
import secrets
from collections.abc import Iterable

from django.core.files.storage import storages
from django.db import transaction
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

PRIVATE, PUBLIC = "private", "public"
# A stored file as the rows name it: the storage's alias and the name in it.
Named = tuple[str, str]

try:  # S3's errors; botocore is there whenever S3 is used.
    from botocore.exceptions import BotoCoreError, ClientError

    STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - botocore is a dependency of django-storages[s3]
    STORAGE_ERRORS = (OSError,)


# --- Keys ------------------------------------------------------------------
def original_folder(upload_id) -> str:
    """An upload's own folder: its random id, nothing else."""
    return f"originals/{upload_id.hex}"


def rendition_key(asset_id: int, spec: str) -> str:
    """The same key each time for one file's output (a job run twice replaces, never adds), guessable by nobody."""
    token = salted_hmac("voices.rendition-key", str(asset_id)).hexdigest()[:32]
    return f"renditions/{token}/{spec}"


def attachment_key(stem: str) -> str:
    return f"attachments/{secrets.token_hex(16)}/{stem}"


# --- Files that apps above hold ------------------------------------------------
class Holder:
    """What an app that keeps files about entries tells this one (see `register`)."""

    def named(self) -> Iterable[Named]:
        """Every file its rows name."""
        raise NotImplementedError

    def of(self, *, entry_ids: list[int] = (), rendition_ids: list[int] = ()) -> Iterable[Named]:
        """Its files of these entries, and its copies of these renditions: deleted with them (the rows cascade)."""
        raise NotImplementedError


_holders: list[Holder] = []


def register(holder: Holder) -> None:
    """Called from an app's `ready()`."""
    _holders.append(holder)


def named_by_rows() -> set[Named]:
    """Every stored file a row names, in every app: what the storage check compares the buckets with."""
    from .models import Attachment, MediaAsset, Rendition

    names = {(PRIVATE, name) for name in MediaAsset.objects.exclude(file="").values_list("file", flat=True)}
    names |= {(PRIVATE, name) for name in Rendition.objects.exclude(file="").values_list("file", flat=True)}
    names |= {(PRIVATE, name) for name in Attachment.objects.exclude(file="").values_list("file", flat=True)}
    for holder in _holders:
        names |= set(holder.named())
    return names


def files_of_entries(entry_ids: list[int]) -> list[Named]:
    """Every stored file of these entries: originals (current and replaced), renditions, attachments, and what
    other apps keep about them."""
    from .models import Attachment, MediaAsset, Rendition

    names = [(PRIVATE, n) for n in MediaAsset.objects.filter(entry__in=entry_ids).values_list("file", flat=True)]
    names += [(PRIVATE, n) for n in Rendition.objects.filter(asset__entry__in=entry_ids).values_list("file", flat=True)]
    names += [(PRIVATE, n) for n in Attachment.objects.filter(entry__in=entry_ids).values_list("file", flat=True)]
    for holder in _holders:
        names += list(holder.of(entry_ids=entry_ids))
    return [(alias, name) for alias, name in names if name]


# --- Deleting ------------------------------------------------------------------
def delete_after_commit(names: Iterable[Named]) -> None:
    """Delete these objects once the caller's transaction commits (at once outside one)."""
    names = list(names)
    if names:
        transaction.on_commit(lambda: delete_now(names))


def delete_now(names: Iterable[Named]) -> int:
    """Delete stored objects; one the storage refuses stays for the nightly check, which finds it again."""
    deleted = 0
    for alias, name in names:
        try:
            storages[alias].delete(name)
            deleted += 1
        except STORAGE_ERRORS as error:
            logger.error("could not delete a stored file (%s storage); the storage check will: %s", alias, error)
    return deleted


def discard_assets(*, asset_ids: list[int], keep_renditions: bool = False) -> None:
    """In the caller's transaction: these originals and every rendition made from them go, from the rows now and from
    storage after the commit (published copies included). The asset rows stay, for their history, naming no file.
    `keep_renditions` deletes the originals only."""
    from .models import MediaAsset, Rendition

    renditions = Rendition.objects.filter(asset__in=[] if keep_renditions else asset_ids)
    names = [(PRIVATE, n) for n in MediaAsset.objects.filter(pk__in=asset_ids).values_list("file", flat=True)]
    names += [(PRIVATE, n) for n in renditions.values_list("file", flat=True)]
    rendition_ids = list(renditions.values_list("pk", flat=True))
    for holder in _holders:
        names += list(holder.of(rendition_ids=rendition_ids))
    renditions.delete()  # other apps' rows about them go with them (cascade)
    MediaAsset.objects.filter(pk__in=asset_ids).update(file="")
    delete_after_commit([(alias, name) for alias, name in names if name])


def discard_attachments(*, entry_ids: list[int]) -> None:
    """In the caller's transaction: the entries' release forms and captions go, rows now, objects after the commit."""
    from .models import Attachment

    attachments = Attachment.objects.filter(entry__in=entry_ids)
    names = [(PRIVATE, name) for name in attachments.values_list("file", flat=True) if name]
    attachments.delete()
    delete_after_commit(names)
