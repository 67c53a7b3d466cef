"""Certificates in the entrant's language: Arabic shaped right to left and Chinese drawn, read back from the PDF."""

from datetime import timedelta

import pypdfium2
import pytest
from django.utils import timezone, translation

from contest.models import Contest
from results import services
from tests.results.helpers import award_and_verify, judged_contest

pytestmark = pytest.mark.django_db


def font_of(data: bytes, letter: str) -> str:
    """The name of the font a letter is drawn with, as the PDF says."""
    import ctypes

    import pypdfium2.raw as pdfium

    textpage = pypdfium2.PdfDocument(data)[0].get_textpage()
    index = textpage.get_text_bounded().index(letter)
    buffer = ctypes.create_string_buffer(200)
    pdfium.FPDFText_GetFontInfo(textpage.raw, index, buffer, 200, None)
    return buffer.value.decode()


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "".join(page.get_textpage().get_text_bounded() for page in document)


@pytest.fixture
def announced(client):
    made = judged_contest(steps=["normalised_mean"])
    contest = made.contest
    contest.title_ar = "الشباب من أجل نزع السلاح الإنساني"
    contest.title_zh_hans = "青年促进人道主义裁军"
    contest.save()
    award_and_verify(made)
    winner = made.entries[0].entrant
    winner.full_name = "سارة حداد"
    winner.save()
    now = timezone.now()
    services.schedule_announcement(contest=contest, at=now + timedelta(minutes=1), by=made.organizer, now=now)
    services.announce(contest_id=contest.pk, now=now + timedelta(minutes=1))
    return made


def test_an_arabic_award_certificate_carries_the_shaped_arabic_text(client, announced):
    made = announced
    client.force_login(made.entries[0].entrant)
    response = client.get(f"/ar/contests/{made.contest.slug}/my-result/{made.entries[0].pk}/certificate.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    # Shaped glyphs map back to their letters through the font's tables. (Lam-alef ligatures come back in
    # the wrong order from any extractor, so the words chosen have none.)
    for words in ("سارة حداد", "الشباب من أجل نزع", "ديسمبر"):
        assert words in text, f"{words!r} not found in {text!r}"
    assert "Arabic" in font_of(response.content, "س"), "drawn with the Arabic font"


def test_a_chinese_participation_certificate_carries_the_chinese_title(client, announced):
    made = announced
    entrant = made.entries[3].entrant
    entrant.full_name = "王小明"
    entrant.save()
    client.force_login(entrant)
    response = client.get(f"/zh-hans/contests/{made.contest.slug}/my-result/{made.entries[3].pk}/certificate.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "王小明" in text and "青年促进人道主义裁军" in text
    assert "CJK" in font_of(response.content, "王"), "drawn with the CJK font"
    with translation.override("en"):
        assert Contest.objects.get(pk=made.contest.pk).title in pdf_text(
            client.get(f"/en/contests/{made.contest.slug}/my-result/{made.entries[3].pk}/certificate.pdf").content
        )
