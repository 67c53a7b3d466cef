"""The submissions app's part of a person's data: their entries, files and uploads, and the entries naming them.

Download (`submissions/`): their entries with what they declared, the
co-creators they named, their files (each original's facts, its renditions
and processing jobs), release forms and captions, their uploads; in
`files/`, every current original and every attachment, as they sent them.
Also the entries of others that name them as a co-creator (reference,
title, their answer), without the other people on them.

Erasure: everything is deleted, nothing kept anonymously. An entry is the
person's own work and says who they are.
- their entries, with declarations, co-creators named, uploads (and the
  unfinished upload's bytes), files: every original (current or replaced),
  every rendition, release forms and captions, and processing jobs; the
  stored objects go once the erasure is committed;
- the rows that name them as a co-creator of someone else's entry, matched
  on the addresses they proved are theirs: their name, address and date of
  birth leave that entry, which stays its entrant's.
An entry in judging leaves it: the judges' scores of it go with it (they are
about the person's work), and the stored results table of a round keeps the
other entries' ranks and means as computed until something else changes it.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import User
from accounts.registry import Erasure, ExportFolder, proven_addresses

from .attachments import download_name
from .models import Attachment, CoCreator, Entry, EntryDeclaration, MediaAsset, ProcessingJob, Rendition, Upload
from .uploads import discard_bytes


def export(*, user: User, into: ExportFolder) -> None:
    into.records("entries", Entry.objects.filter(entrant=user))
    into.records("declarations", EntryDeclaration.objects.filter(entry__entrant=user))
    into.records("co_creators_named", CoCreator.objects.filter(entry__entrant=user))
    into.records(
        "named_as_co_creator",
        [
            {"entry": reference, "title": title, "your_answer": status, "answered_at": answered_at}
            for reference, title, status, answered_at in _naming(proven_addresses(user))
            .exclude(entry__entrant=user)
            .values_list("entry__reference", "entry__title", "status", "answered_at")
        ],
    )
    into.records("files", MediaAsset.objects.filter(entry__entrant=user))
    into.records("renditions", Rendition.objects.filter(asset__entry__entrant=user))
    into.records("processing_jobs", ProcessingJob.objects.filter(asset__entry__entrant=user))
    into.records("release_forms_and_captions", Attachment.objects.filter(entry__entrant=user))
    into.records("uploads", Upload.objects.filter(owner=user))
    originals = MediaAsset.objects.current().filter(entry__entrant=user).exclude(file="")
    for asset in originals.select_related("entry"):
        into.file(f"files/{asset.entry.reference}.{asset.file_format}", asset.file)
    for attachment in Attachment.objects.filter(entry__entrant=user).select_related("entry"):
        into.file(f"files/{download_name(attachment)}", attachment.file)


def erase(*, erasure: Erasure) -> None:
    user = erasure.user
    # Locked first: an upload finishing or a worker storing a rendition waits, then finds the file gone, so
    # nothing is stored after the names below are read.
    entries = Entry.objects.filter(entrant=user)
    list(entries.select_for_update())
    assets = MediaAsset.objects.filter(entry__entrant=user)
    list(assets.select_for_update())
    renditions = Rendition.objects.filter(asset__entry__entrant=user)
    attachments = Attachment.objects.filter(entry__entrant=user)
    uploads = Upload.objects.filter(owner=user) | Upload.objects.filter(entry__entrant=user)
    for rows in (assets, renditions, attachments):
        for row in rows:
            erasure.delete_file(row.file)
    for upload in uploads:
        # This node's folder, or the parts in shared storage.
        erasure.after_commit(lambda upload=upload: discard_bytes(upload, finished_too=upload.status == "receiving"))
    others = _naming(erasure.verified_emails).exclude(entry__entrant=user)
    for queryset in (entries, assets, renditions, attachments, uploads, others,
                     CoCreator.objects.filter(entry__entrant=user),
                     EntryDeclaration.objects.filter(entry__entrant=user),
                     ProcessingJob.objects.filter(asset__entry__entrant=user)):
        erasure.mark(queryset)
    erasure.count("named as a co-creator", others.delete()[0])
    erasure.count("files", assets.count())
    erasure.count("entries", entries.count())
    uploads.delete()
    entries.delete()


def _naming(addresses: Iterable[str]) -> QuerySet[CoCreator]:
    """The co-creator rows carrying one of these addresses."""
    rows = CoCreator.objects.none()
    for address in addresses:
        rows |= CoCreator.objects.filter(email__iexact=address)
    return rows
