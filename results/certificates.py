"""Certificates of participation or award as PDF, in the entrant's language, made on request with WeasyPrint.

WeasyPrint lays text out with Pango and HarfBuzz, so Arabic is shaped and set
right to left and Chinese is drawn with a CJK font; the fonts are Debian's
Noto (fonts-noto-core, fonts-noto-cjk), found through fontconfig.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import User
from contest.models import Contest
from submissions.models import Entry

from .models import Award

# WeasyPrint logs every layout step at INFO; a certificate is not news.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def render_certificate(*, contest: Contest, entrant: User, entry: Entry, awards: list[Award],
                       language: str | None = None) -> bytes:
    """The PDF bytes of one entrant's certificate for one entry."""
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    language = language or entrant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        results = getattr(contest, "results", None)
        announced = results.announced_at if results is not None else None
        html = render_to_string(
            "results/certificate.html",
            {
                "contest": contest,
                "entrant": entrant,
                "name": entrant.full_name or entrant.public_name,
                "entry": entry,
                "awards": awards,
                "day": date_format(announced.astimezone(contest.zone).date(), "DATE_FORMAT") if announced else "",
                "language": language,
                "rtl": translation.get_language_bidi(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
