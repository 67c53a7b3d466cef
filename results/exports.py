"""CSV exports for organizers: entries (with filters), scores by round, awards; written a row at a time."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from judging.models import Score
from submissions.models import Entry

from .models import Award


def _csv(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet; a quote keeps it text.
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def entries_csv(entries: QuerySet[Entry]) -> Iterator[str]:
    header = [_("reference"), _("title"), _("theme"), _("category"), _("status"), _("screening"), _("entrant"),
              _("email"), _("country"), _("submitted at")]

    def rows():
        for entry in entries.iterator(chunk_size=500):
            screening = getattr(entry, "screening", None)
            yield [entry.reference, entry.title, entry.theme.title, entry.category.title,
                   entry.get_status_display(), screening.get_outcome_display() if screening else "",
                   entry.entrant.full_name, entry.entrant.email, str(entry.entrant.country or ""),
                   entry.submitted_at.isoformat() if entry.submitted_at else ""]

    return _csv(header, rows())


def scores_csv(scores: QuerySet[Score]) -> Iterator[str]:
    header = [_("round"), _("entry"), _("judge"), _("state"), _("weighted score"), _("values"), _("submitted at")]

    def rows():
        for score in scores.iterator(chunk_size=500):
            a = score.assignment
            values = ";".join(f"{k}={v}" for k, v in sorted((score.values or {}).items()))
            yield [a.round.name, a.entry.reference, a.judge.email, score.get_state_display(),
                   "" if score.total is None else f"{score.total:.4f}", values,
                   score.submitted_at.isoformat() if score.submitted_at else ""]

    return _csv(header, rows())


def awards_csv(awards: list[Award]) -> Iterator[str]:
    header = [_("award"), _("for"), _("entry"), _("title"), _("entrant"), _("verified at"), _("citation")]
    rows = (
        [a.label, a.scope_label, a.entry.reference, a.entry.title, a.entry.entrant.full_name,
         (v.verified_at.isoformat() if (v := getattr(a.entry, "winner_verification", None)) and v.verified_at
          else ""), a.citation]
        for a in awards
    )
    return _csv(header, rows)
