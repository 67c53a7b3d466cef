"""Essays and artwork as PDF: words counted as the page counts them, hostile files refused, a first-page preview.

Every PDF here is written by hand, byte by byte (and encrypted with RC4 by hand), nothing downloaded.
"""

import hashlib
import struct
import time
import zlib
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from contest.enums import MediaKind
from contest.models import Category
from submissions.media import pdf
from submissions.media.base import Facts, MediaRejected, MediaTransient

WORDS = "Cluster munitions scatter small bombs that keep killing long after a war has ended".split()


# --- Writing PDFs ------------------------------------------------------------------
def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def assemble(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """Objects 1…n, a classic cross-reference table and a trailer whose /Root is object 1."""
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, start)
    return out


def essay_words(count: int) -> list[str]:
    return [WORDS[index % len(WORDS)] for index in range(count)]


def page_content(words: list[str], *, per_line: int = 10) -> bytes:
    lines = [" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line)]
    shown = b"".join(b"(%s) Tj T* " % line.encode() for line in lines)
    return b"BT /F1 11 Tf 14 TL 50 800 Td " + shown + b"ET"


def document(pages: list[bytes], *, catalog: bytes = b"", more: list[bytes] = (), trailer: bytes = b"",
             wrap=lambda number, content: stream(content)) -> bytes:
    """A PDF whose pages draw the given content streams; `more` objects follow them, numbered on."""
    objects = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in pages:
        number = len(objects) + 1
        kids.append(b"%d 0 R" % number)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (number + 1)
        )
        objects.append(wrap(number + 1, content))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>"
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    return assemble(objects + list(more), trailer)


def essay(count: int, *, per_page: int = 500, **options) -> bytes:
    words = essay_words(count)
    return document([page_content(words[i : i + per_page]) for i in range(0, count, per_page)] or [b""], **options)


def write(tmp_path: Path, data: bytes, name: str = "essay.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# The standard security handler, revision 2 (40-bit RC4), as the PDF reference describes it.
PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    box, j = list(range(256)), 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def encrypted_essay(user_password: bytes) -> bytes:
    padded = (user_password + PAD)[:32]
    owner = rc4(hashlib.md5((b"organiser" + PAD)[:32]).digest()[:5], padded)
    permissions = struct.pack("<i", -44)
    file_id = b"0123456789abcdef"
    key = hashlib.md5(padded + owner + permissions + file_id).digest()[:5]
    user = rc4(key, PAD)

    def sealed(number: int, content: bytes) -> bytes:
        object_key = hashlib.md5(key + number.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
        return stream(rc4(object_key, content))

    handler = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>" % (owner.hex().encode(), user.hex().encode())
    pages = [page_content("A secret essay about cluster munitions".split())]
    encrypt_number = 3 + 2 * len(pages) + 1
    return document(pages, wrap=sealed, more=[handler],
                    trailer=b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (encrypt_number, file_id.hex().encode(),
                                                                   file_id.hex().encode()))


def refusal(step, *args) -> MediaRejected:
    with pytest.raises(MediaRejected) as caught:
        step(*args)
    return caught.value


def essay_category(**limits) -> Category:
    return Category(media_kind=MediaKind.ESSAY, **limits)


# --- Words and pages -------------------------------------------------------------------
def test_pages_and_words_are_counted_as_a_reader_counts_them(tmp_path):
    source = write(tmp_path, essay(1240))

    facts = pdf.probe_pdf(source)

    assert (facts.kind, facts.container, facts.pages, facts.words) == ("pdf", "pdf", 3, 1240)
    assert pdf.pdf_text(source).split()[:4] == ["Cluster", "munitions", "scatter", "small"]


def test_an_essay_over_the_limit_says_both_numbers(tmp_path):
    facts = pdf.probe_pdf(write(tmp_path, essay(1240)))

    refused = refusal(pdf.check_pdf, facts, essay_category(max_words=1000))

    assert refused.code == "too_many_words"
    assert refused.message == "Your essay has 1,240 words; this category allows at most 1,000. Shorten it."


def test_a_pdf_longer_than_the_category_allows_says_both_numbers(tmp_path):
    facts = pdf.probe_pdf(write(tmp_path, essay(1240)))

    refused = refusal(pdf.check_pdf, facts, essay_category(max_pages=2, max_words=2000))

    assert refused.code == "too_many_pages"
    assert refused.message == "Your PDF has 3 pages; this category allows at most 2 pages. Shorten it."
    pdf.check_pdf(facts, essay_category(max_pages=3, max_words=2000))


def test_an_essay_under_the_minimum_says_both_numbers():
    refused = refusal(pdf.check_pdf, Facts(kind="pdf", words=480), essay_category(min_words=500, max_words=1000))

    assert refused.code == "too_few_words"
    assert refused.message == "Your essay has 480 words; this category needs at least 500."


@pytest.mark.parametrize("words", [500, 1000])
def test_an_essay_within_the_limits_passes(words):
    pdf.check_pdf(Facts(kind="pdf", words=words), essay_category(min_words=500, max_words=1000))


def test_a_pdf_without_text_is_explained_as_a_scan(tmp_path):
    scan = document([b"0.2 g 50 50 495 742 re f"])  # a page that is only a picture
    facts = pdf.probe_pdf(write(tmp_path, scan))

    refused = refusal(pdf.check_pdf, facts, essay_category(max_words=1000))

    assert facts.words == 0
    assert refused.code == "no_text"
    assert "may be a scan" in refused.message


def test_artwork_without_word_limits_needs_no_words(tmp_path):
    pdf.check_pdf(Facts(kind="pdf", words=0, pages=1), Category(media_kind=MediaKind.ARTWORK))


def test_an_essay_about_javascript_is_not_taken_for_a_script(tmp_path):
    words = "JavaScript and JS are words here (a /JSON name too)".split() * 3
    facts = pdf.probe_pdf(write(tmp_path, document([page_content(words)])))

    assert facts.words == 30


# --- Hostile and broken files -------------------------------------------------------------
def test_an_encrypted_pdf_is_refused(tmp_path):
    source = write(tmp_path, encrypted_essay(b"secret"))
    with pytest.raises(pypdfium2.PdfiumError):  # a real password-protected PDF …
        pypdfium2.PdfDocument(source)
    opened = pypdfium2.PdfDocument(source, password="secret")
    assert "secret essay" in opened[0].get_textpage().get_text_bounded()
    opened.close()

    refused = refusal(pdf.probe_pdf, source)

    assert refused.code == "encrypted_pdf"
    assert refused.message == (
        "Your PDF is protected with a password or encryption, so the jury could not open it. "
        "Save it again without a password or protection and upload it once more."
    )
    assert refusal(pdf.render_pdf_preview, source, tmp_path / "out").code == "encrypted_pdf"


def test_a_pdf_encrypted_with_an_empty_password_is_refused_too(tmp_path):
    source = write(tmp_path, encrypted_essay(b""))
    pypdfium2.PdfDocument(source).close()  # opens without a password, but is still encrypted

    assert refusal(pdf.probe_pdf, source).code == "encrypted_pdf"


def object_stream_with_script() -> tuple[bytes, list[bytes]]:
    """JavaScript hidden in a compressed object stream, where a search of the file's bytes cannot see it."""
    body = b"<< /S /JavaScript /JS (app.alert\\('hello'\\)) >>"
    index = b"99 0 "
    packed = zlib.compress(index + body)
    return b"/OpenAction 99 0 R ", [stream(packed, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(index))]


@pytest.mark.parametrize(
    ("catalog", "more"),
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert\\('hello'\\)) >> ", []),
        (b"/Names << /JavaScript << /Names [(start) << /S /JavaScript /JS (this.print\\(\\)) >>] >> >> ", []),
        (b"/OpenAction << /S /#4A#61vaScript /J#53 (app.alert\\(1\\)) >> ", []),
        object_stream_with_script(),
        (b"/OpenAction << /S /Launch /F (cmd.exe) >> ", []),
    ],
    ids=["open-action", "document-script", "escaped-names", "object-stream", "launch"],
)
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(tmp_path, catalog, more):
    source = write(tmp_path, essay(200, catalog=catalog, more=more))

    refused = refusal(pdf.probe_pdf, source)

    assert refused.code == "pdf_javascript"
    assert refused.message.startswith("Your PDF contains JavaScript or other actions that run by themselves")
    assert refusal(pdf.render_pdf_preview, source, tmp_path / "out").code == "pdf_javascript"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"PK\x03\x04" + b"\x00" * 100, "not_a_pdf"),
        (b"<html><script>alert(1)</script></html>", "not_a_pdf"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "damaged_pdf"),
    ],
    ids=["zero-bytes", "zip-named-pdf", "html-named-pdf", "garbage-after-header"],
)
def test_what_is_no_readable_pdf_is_refused(tmp_path, content, code):
    assert refusal(pdf.probe_pdf, write(tmp_path, content)).code == code


def test_a_truncated_pdf_is_refused_or_read_as_far_as_it_goes(tmp_path):
    data = essay(600, per_page=300)
    source = write(tmp_path, data[: len(data) // 3])

    try:
        facts = pdf.probe_pdf(source)
    except MediaRejected as refused:
        assert refused.code == "damaged_pdf"
    else:  # pdfium rebuilds what it can; what it counts is what is really there
        assert facts.words < 600


def test_a_pdf_that_keeps_pdfium_busy_is_stopped_at_the_timeout_and_refused(tmp_path, settings):
    settings.PDF_TIMEOUT_SECONDS = 2  # unbounded, pdfium draws these three million squares for several seconds
    squares = b"".join(b"%d %d 1 1 re f\n" % (i % 590, (i // 590) % 840) for i in range(3_000_000))
    heavy = document([zlib.compress(squares)], wrap=lambda number, content: stream(content, b"/Filter /FlateDecode "))
    source = write(tmp_path, heavy)
    started = time.monotonic()

    refused = refusal(pdf.render_pdf_preview, source, tmp_path / "out")

    assert time.monotonic() - started < 8
    assert refused.code == "damaged_pdf"
    assert "too complex" in refused.message


# --- The preview ---------------------------------------------------------------------------
def test_the_preview_is_the_first_page_1600_pixels_high(tmp_path):
    first = b"0 0 0 rg 0 421 595 421 re f " + page_content(["Title"])  # the top half black
    second = b"1 0 0 rg 0 0 595 842 re f"  # all red: must not show
    source = write(tmp_path, document([first, second]))

    output = pdf.render_pdf_preview(source, tmp_path / "out")

    assert output.spec == "preview.jpg" and output.content_type == "image/jpeg"
    with Image.open(output.path) as preview:
        assert preview.format == "JPEG"
        assert preview.size == (output.width, output.height)
        assert preview.height == 1600 and 1125 <= preview.width <= 1135
        assert preview.getpixel((500, 200)) < (30, 30, 30)
        assert preview.getpixel((500, 1400)) > (225, 225, 225)
        assert not preview.info.get("exif")


def test_a_preview_that_cannot_be_written_is_the_workers_problem_not_the_files(tmp_path):
    source = write(tmp_path, essay(50))
    (tmp_path / "out" / "preview.jpg").mkdir(parents=True)  # where the preview should go, something else is

    with pytest.raises(MediaTransient):
        pdf.render_pdf_preview(source, tmp_path / "out")
