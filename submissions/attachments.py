"""An entry's small extra files: signed release forms (PDF or image) and caption files (stored as WebVTT).

They arrive through a plain form, not tus: a release form is a few
megabytes, captions far less. Both go to the private storage; release forms
are personal data of the people shown and are seen only by the entrant and
the contest's organizers, never by judges or the public.
"""

import io
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.text import clean_file_name
from contest.describe import size_in_words
from contest.enums import MediaKind

from . import files, rules
from .enums import AttachmentKind
from .media.base import MediaRejected
from .media.captions import MAX_BYTES as CAPTION_MAX_BYTES
from .media.captions import to_webvtt
from .models import Attachment, Entry
from .services import EntryRefused
from .sniff import sniff_head

RELEASE_FORM_MAX_BYTES = 10 * 1024 * 1024
RELEASE_FORM_FORMATS = ["pdf", "jpg", "png"]
MAX_RELEASE_FORMS = 30
# The request may carry the form's other fields besides the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def largest_body() -> int:
    """The largest request the attachment form can need: bigger ones are refused before they are read."""
    return max(RELEASE_FORM_MAX_BYTES, CAPTION_MAX_BYTES) + FORM_OVERHEAD_BYTES


def too_large_message() -> str:
    return _(
        "Release forms may be at most %(forms)s and caption files at most %(captions)s. Choose a smaller file."
    ) % {
        "forms": size_in_words(RELEASE_FORM_MAX_BYTES),
        "captions": size_in_words(CAPTION_MAX_BYTES),
    }


def caption_languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def _check_open(entry: Entry, by, now: datetime) -> None:
    if not (verdict := rules.may_change_entry(by, entry, now=now)):
        raise EntryRefused(verdict.reason)


def _read(upload: UploadedFile, limit: int) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise EntryRefused(
            _("This file is %(size)s; it may be at most %(limit)s.")
            % {"size": size_in_words(upload.size), "limit": size_in_words(limit)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise EntryRefused(_("This file is larger than %(limit)s.") % {"limit": size_in_words(limit)})
    if not data:
        raise EntryRefused(_("This file is empty. Choose the file again."))
    return data


def _without_metadata(data: bytes, file_format: str) -> bytes:
    """An image saved again with its pixels only: no EXIF (camera, GPS position, time), no comments."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)  # upright, since the orientation tag goes too
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P":
                clean.putpalette(image.getpalette())
            if clean.mode not in ("RGB", "L") and file_format == "jpg":
                clean = clean.convert("RGB")
            out = io.BytesIO()
            clean.save(out, format="JPEG" if file_format == "jpg" else "PNG", quality=95)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise EntryRefused(_("This image could not be read. Scan or photograph the form again.")) from None
    return out.getvalue()


@transaction.atomic
def add_release_form(*, entry: Entry, by, upload: UploadedFile, now: datetime) -> Attachment:
    """Keep a signed release form with the entry: a PDF as sent, an image without its metadata."""
    entry = Entry.objects.select_for_update().select_related("contest").get(pk=entry.pk)
    _check_open(entry, by, now)
    if entry.attachments.filter(kind=AttachmentKind.RELEASE_FORM).count() >= MAX_RELEASE_FORMS:
        raise EntryRefused(
            _("An entry can have at most %(count)s release forms. Put several signatures in one PDF.")
            % {"count": MAX_RELEASE_FORMS}
        )
    data = _read(upload, RELEASE_FORM_MAX_BYTES)
    file_format = sniff_head(data[:65536], allowed=RELEASE_FORM_FORMATS)
    if file_format is None:
        raise EntryRefused(
            _("A release form must be a PDF, JPG or PNG file. Scan it or photograph it, then upload that file.")
        )
    if file_format != "pdf":
        data = _without_metadata(data, file_format)
    attachment = Attachment(
        entry=entry,
        kind=AttachmentKind.RELEASE_FORM,
        original_name=clean_file_name(upload.name or "", fallback=""),
        size=len(data),
    )
    attachment.file.save(files.attachment_key(f"release-form.{file_format}"), ContentFile(data), save=False)
    _save(attachment)
    return attachment


@transaction.atomic
def add_captions(*, entry: Entry, by, upload: UploadedFile, language: str, now: datetime) -> Attachment:
    """Keep captions in one language, converted to clean WebVTT; they replace earlier ones in that language."""
    entry = Entry.objects.select_for_update().select_related("contest", "category").get(pk=entry.pk)
    _check_open(entry, by, now)
    if entry.category.media_kind != MediaKind.VIDEO:
        raise EntryRefused(_("Captions go with videos only."))
    if language not in dict(caption_languages()):
        raise EntryRefused(_("Choose the language of the captions."))
    try:
        text = to_webvtt(_read(upload, CAPTION_MAX_BYTES))
    except MediaRejected as rejected:
        raise EntryRefused(rejected.message) from None
    for old in entry.attachments.filter(kind=AttachmentKind.CAPTION, language=language):
        remove_attachment(attachment=old, by=by, now=now)
    data = text.encode("utf-8")
    attachment = Attachment(
        entry=entry,
        kind=AttachmentKind.CAPTION,
        language=language,
        original_name=clean_file_name(upload.name or "", fallback=""),
        size=len(data),
    )
    attachment.file.save(files.attachment_key(f"captions-{language}.vtt"), ContentFile(data), save=False)
    _save(attachment)
    return attachment


def _save(attachment: Attachment) -> None:
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)  # no row, so no stray file either
        raise


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by, now: datetime) -> None:
    """Take a file off a draft; the stored bytes go once the removal is committed."""
    _check_open(attachment.entry, by, now)
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachments_of(entry: Entry) -> dict[str, list[Attachment]]:
    rows = list(entry.attachments.all())
    return {
        "release_forms": [a for a in rows if a.kind == AttachmentKind.RELEASE_FORM],
        "captions": [a for a in rows if a.kind == AttachmentKind.CAPTION],
    }


def download_name(attachment: Attachment) -> str:
    extension = attachment.file.name.rsplit(".", 1)[-1]
    if attachment.kind == AttachmentKind.CAPTION:
        return f"{attachment.entry.reference}-captions-{attachment.language}.{extension}"
    return f"{attachment.entry.reference}-release-form-{attachment.pk}.{extension}"
