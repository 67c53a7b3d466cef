"""The public results pages (winners' gallery, exhibition of the shortlist) and each entrant's own result and
certificate. Before the announcement every one of them is a 404 for everyone but the contest's organizers."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from contest import deadlines
from submissions.enums import Spec
from submissions.media.serve import serve_file
from submissions.models import Entry, Rendition, of_current_file

from .. import extensions, selectors
from ..certificates import render_certificate
from ..enums import TieBreakStep
from ..models import Award
from .common import announced_contest

# Pictures the exhibition may show for a shortlisted entry that did not win (served privately, never published).
EXHIBITION_SPECS = (Spec.POSTER, Spec.THUMB_WEBP, Spec.THUMB_JPEG, Spec.DISPLAY_JPEG, Spec.DISPLAY_WEBP, Spec.PREVIEW,
                    Spec.WAVEFORM)


def gallery(request: HttpRequest, slug: str) -> HttpResponse:
    contest, results = announced_contest(request, slug)
    items = selectors.gallery(contest=contest)
    context = {
        "contest": contest,
        "results": results,
        "items": items,
        "steps": [TieBreakStep(step) for step in results.steps],
        "criterion": results.tie_break_criterion,
        "preview": not deadlines.results_visible(contest),
        "sections": extensions.gallery_sections(contest=contest),
        "og_image": next(
            (item.files[spec].file.url for item in items for spec in (Spec.POSTER, Spec.DISPLAY_JPEG, Spec.THUMB_JPEG)
             if spec in item.files),
            "",
        ),
    }
    return render(request, "results/gallery.html", context)


def exhibition(request: HttpRequest, slug: str) -> HttpResponse:
    contest, results = announced_contest(request, slug)
    rows = []
    for standing, entry, asset in selectors.exhibition(contest=contest):
        pictures = {r.spec: r for r in asset.renditions.all()} if asset else {}
        picture = next((pictures[spec] for spec in EXHIBITION_SPECS if spec in pictures), None)
        rows.append((standing, entry, picture))
    context = {"contest": contest, "results": results, "rows": rows, "preview": not deadlines.results_visible(contest),
               "sections": extensions.gallery_sections(contest=contest)}
    return render(request, "results/exhibition.html", context)


def exhibition_picture(request: HttpRequest, slug: str, rendition_id: int) -> HttpResponse:
    """A shortlisted entry's picture, from private storage, only after the announcement."""
    contest, _results = announced_contest(request, slug)
    rendition = get_object_or_404(Rendition.objects.select_related("asset"), of_current_file(), pk=rendition_id,
                                  asset__entry__contest=contest,
                                  spec__in=EXHIBITION_SPECS)
    if rendition.asset.entry_id not in selectors.shortlisted_entry_ids(contest=contest):
        raise Http404
    return serve_file(request, rendition.file, content_type=rendition.content_type)


@login_required
def my_result(request: HttpRequest, slug: str) -> HttpResponse:
    contest, results = announced_contest(request, slug, permission="results.view_own_result")
    entries, awards, shortlisted = selectors.result_of_entrant(contest=contest, user=request.user)
    if not entries:
        raise Http404
    rows = [(entry, awards.get(entry.pk, []), entry.pk in shortlisted) for entry in entries]
    return render(request, "results/my_result.html", {"contest": contest, "results": results, "rows": rows})


@login_required
def certificate(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    contest, _results = announced_contest(request, slug, permission="results.view_own_result")
    entry = get_object_or_404(Entry.objects.select_related("contest"), pk=entry_id, contest=contest)
    if not request.user.has_perm("results.view_certificate", entry):
        raise Http404
    awards = list(Award.objects.filter(entry=entry, entry__winner_verification__verified_at__isnull=False)
                  .select_related("theme", "category"))
    pdf = render_certificate(contest=contest, entrant=request.user, entry=entry, awards=awards,
                             language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{entry.reference}-certificate.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
