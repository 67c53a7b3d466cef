"""The organizers' preview of an entry's work: the judge's renditions, and what only organizers check (the
entrant, the declarations, the release forms, the processing, the original as a download)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from submissions.media.serve import serve_file
from submissions.models import Entry

from .. import media, selectors
from .common import captions_response


def _previewed(request: HttpRequest, entry_id: int) -> Entry:
    """An entry of a contest the person organizes; a judge (or anyone else) gets 404, blind round or not."""
    entry = Entry.objects.select_related("contest").filter(pk=entry_id).first()
    if entry is None or not request.user.has_perm("judging.preview_entry", entry):
        raise Http404
    return entry


@login_required
def preview(request: HttpRequest, entry_id: int) -> HttpResponse:
    _previewed(request, entry_id)
    entry = selectors.preview_entry(entry_id=entry_id)
    context = {
        "contest": entry.contest,
        "entry": entry,
        "work": media.organizer_works([entry])[entry.pk],
        "judges_view": selectors.judges_view(entry=entry),
    }
    return render(request, "judging/manage/preview.html", context)


@login_required
def preview_file(request: HttpRequest, entry_id: int, name: str) -> HttpResponse:
    """A rendition the judges are served, under the same neutral name, for the organizers' pages."""
    entry = _previewed(request, entry_id)
    rendition = media.preview_rendition(entry, name)
    if rendition is None:
        raise Http404
    return serve_file(request, rendition.file, content_type=rendition.content_type, download_name=name)


@login_required
def preview_captions(request: HttpRequest, entry_id: int, language: str) -> HttpResponse:
    entry = _previewed(request, entry_id)
    return captions_response(media.preview_caption(entry, language))
