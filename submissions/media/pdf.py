"""PDFs (essays, artwork): refuse encrypted ones and ones with scripts, count the words, preview the first page.

pdfium parses the untrusted file in a child process (`python -m
submissions.media.pdf`) with a wall-clock timeout, a CPU and a memory limit,
and lowered priority, so a hostile PDF can hang or crash only that child,
never the worker. Before pdfium sees the file, its bytes (and its compressed
object streams) are searched for encryption and for JavaScript or launch
actions, which pdfium would otherwise quietly ignore.
"""

import json
import mmap
import os
import re
import resource
import signal
import subprocess
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..enums import Spec
from ..words import word_count
from .base import Facts, MediaRejected, MediaTransient, Output

if TYPE_CHECKING:
    from contest.models import Category

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TIMEOUT_SECONDS = 60.0
MEMORY_LIMIT_BYTES = 2 * 1024**3
PREVIEW_LONG_SIDE = 1600
PREVIEW_MAX_SCALE = 8.0  # a tiny page is not blown up into a huge bitmap
JPEG_QUALITY = 85
TEXT_PAGES = 2000  # words beyond this many pages are not counted: no essay is that long
TEXT_CHARACTERS = 20_000_000
# Decompressing object streams to search them: how much each may give, and all of them together.
STREAM_BYTES = 64 * 1024**2
ALL_STREAMS_BYTES = 512 * 1024**2
# A child stopped at the timeout that had this share of the time on a CPU was working on the file
# (the file's fault); one that had less was starved by a busy machine (try again later).
BUSY_SHARE = 0.25
EXIT_SETUP = 3  # the child could not do its work for a reason of its own (no pdfium, a full disk): retry

_DELIMITER = rb"(?=[\s/<>\[\]()%{}]|$)"
_ACTIONS = re.compile(rb"/(JavaScript|JS|Launch)" + _DELIMITER)
_ENCRYPT = re.compile(rb"/Encrypt" + _DELIMITER)
# A name written with #xx escapes (/J#53 is /JS), which a plain search would miss.
_NAME_PART = rb"(?:[^\s/<>\[\]()%{}#]|#[0-9A-Fa-f]{2})*"
_ESCAPED_NAME = re.compile(rb"/(" + _NAME_PART + rb"#[0-9A-Fa-f]{2}" + _NAME_PART + rb")")
_STREAM = re.compile(rb"stream\r?\n")


def _settings_timeout() -> float:
    return float(getattr(settings, "PDF_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))


# --- What the bytes say ---------------------------------------------------------
def _has_action(data: bytes | mmap.mmap) -> bool:
    if _ACTIONS.search(data):
        return True
    for found in _ESCAPED_NAME.finditer(data):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), found.group(1))
        if name in (b"JavaScript", b"JS", b"Launch"):
            return True
    return False


def _object_streams(data: bytes | mmap.mmap):
    """The inflated contents of the file's object streams, where PDF 1.5 keeps dictionaries compressed."""
    budget = ALL_STREAMS_BYTES
    for found in _STREAM.finditer(data):
        start = found.end()
        dictionary = data[max(0, found.start() - 1024) : found.start()]
        dictionary = dictionary[dictionary.rfind(b"obj") + 1 :]
        if b"/ObjStm" not in dictionary or b"/FlateDecode" not in dictionary or budget <= 0:
            continue
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[start:end], min(STREAM_BYTES, budget))
        except zlib.error:
            continue  # a broken stream is pdfium's problem; it hides nothing pdfium would read
        budget -= len(inflated)
        yield inflated


def _structure(path: Path) -> dict:
    """Whether the file is encrypted, and whether it holds JavaScript or launch actions anywhere."""
    # Mapped, not read: a large artwork PDF is searched without holding it in memory.
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        encrypted = bool(_ENCRYPT.search(data))
        scripted = _has_action(data) or any(_has_action(inflated) for inflated in _object_streams(data))
    return {"encrypted": encrypted, "scripted": scripted}


# --- Refusals -------------------------------------------------------------------
def _encrypted() -> MediaRejected:
    return MediaRejected(
        "encrypted_pdf",
        _(
            "Your PDF is protected with a password or encryption, so the jury could not open it. "
            "Save it again without a password or protection and upload it once more."
        ),
    )


def _scripted() -> MediaRejected:
    return MediaRejected(
        "pdf_javascript",
        _(
            "Your PDF contains JavaScript or other actions that run by themselves, which we cannot accept. "
            "Export your document again as a plain PDF (Print → Save as PDF) and upload that."
        ),
    )


def _damaged() -> MediaRejected:
    return MediaRejected(
        "damaged_pdf",
        _(
            "Your PDF could not be read: it is damaged, incomplete or too complex. "
            "Export it again as a PDF and upload it once more."
        ),
    )


# --- The child process ----------------------------------------------------------
def _limits(cpu_seconds: int) -> None:
    """Run in the child before it starts: a memory ceiling, a CPU ceiling, and a lower priority than the worker's."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    os.nice(10)


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _run_child(command: str, path: Path, *extra: str) -> dict:
    timeout = _settings_timeout()
    cpu_limit = max(1, int(timeout) + 1)
    child = subprocess.Popen(
        [sys.executable, "-m", "submissions.media.pdf", command, str(path), *extra],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: _limits(cpu_limit),  # safe here: a prefork worker runs one thread
        start_new_session=True,
    )
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        used = _cpu_seconds(child.pid)
        child.kill()
        child.communicate()
        if used is not None and used >= BUSY_SHARE * timeout:
            raise _damaged() from None
        raise MediaTransient(f"PDF {command} stopped after {timeout:g} s with {used or 0:.1f} s of CPU") from None
    if child.returncode == -signal.SIGXCPU:
        raise _damaged()
    if child.returncode == -signal.SIGKILL:
        # Not our kill (that is the timeout above): the machine's memory killer or a shutdown.
        raise MediaTransient(f"PDF {command} was killed from outside")
    if child.returncode == EXIT_SETUP:
        raise MediaTransient(f"PDF {command} failed outside the file: {stderr.decode(errors='replace')[-500:]}")
    if child.returncode != 0:
        raise _damaged()  # pdfium crashed or ran out of memory on this file
    try:
        answer = json.loads(stdout)
    except ValueError:
        raise _damaged() from None
    if answer.get("error") == "encrypted":
        raise _encrypted()
    if answer.get("error"):
        raise _damaged()
    return answer


def _answer(answer: dict) -> None:
    sys.stdout.write(json.dumps(answer))


def _child(argv: list[str]) -> int:
    """The child's side: open the PDF with pdfium, do one thing, answer JSON on stdout."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_raw
    except ImportError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_SETUP
    command, path = argv[0], argv[1]
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        failed = "encrypted" if "password" in str(error).lower() else "damaged"
        _answer({"error": failed})
        return 0
    if command == "probe":
        if pdfium_raw.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
            _answer({"error": "encrypted"})
            return 0
        pages = len(document)
        texts, characters = [], 0
        for index in range(min(pages, TEXT_PAGES)):
            page = document[index]
            text = page.get_textpage().get_text_bounded()
            texts.append(text)
            characters += len(text)
            if characters > TEXT_CHARACTERS:
                break
        width, height = document[0].get_size() if pages else (0, 0)
        scripts = pdfium_raw.FPDFDoc_GetJavaScriptActionCount(document.raw)
        _answer({"pages": pages, "text": "\n".join(texts), "scripts": scripts, "width_pt": width, "height_pt": height})
    elif command == "render":
        if not len(document):
            _answer({"error": "damaged"})
            return 0
        page = document[0]
        width, height = page.get_size()
        scale = min(PREVIEW_MAX_SCALE, PREVIEW_LONG_SIDE / max(width, height, 1))
        # Forms are not drawn: drawing them would need pdfium's form environment, which can run actions.
        image = page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")
        try:
            image.save(argv[2], "JPEG", quality=JPEG_QUALITY)
        except OSError as error:  # a full or unwritable disk is the worker's problem, not the file's
            sys.stderr.write(f"{error}\n")
            return EXIT_SETUP
        _answer({"width": image.width, "height": image.height})
    return 0


# --- The steps ------------------------------------------------------------------------
def _check_bytes(path: Path) -> None:
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if not head:
        raise MediaRejected("empty_file", _("The file is empty (0 bytes). Upload your PDF again."))
    if b"%PDF-" not in head:
        raise MediaRejected(
            "not_a_pdf",
            _("This file is not a PDF, whatever its name says. Export your document as a PDF and upload that."),
        )
    structure = _structure(path)
    if structure["encrypted"]:
        raise _encrypted()
    if structure["scripted"]:
        raise _scripted()


def probe_pdf(path: Path) -> Facts:
    """Pages and extractable words, after refusing encrypted PDFs and PDFs with scripts."""
    _check_bytes(path)
    answer = _run_child("probe", Path(path).resolve())
    if answer["scripts"]:
        raise _scripted()
    if not answer["pages"]:
        raise _damaged()
    return Facts(
        kind="pdf",
        container="pdf",
        pages=answer["pages"],
        words=word_count(answer["text"]),
        extra={"page_width_pt": round(answer["width_pt"], 1), "page_height_pt": round(answer["height_pt"], 1)},
    )


def pdf_text(path: Path) -> str:
    """The text a reader could select in the PDF, page after page (checked for encryption and scripts first)."""
    _check_bytes(path)
    return _run_child("probe", Path(path).resolve())["text"]


def check_pdf(facts: Facts, category: "Category") -> None:
    """Refuse a PDF with more pages, or an essay with more or fewer words, than the category allows."""
    def grouped(number: int) -> str:
        return number_format(number, use_l10n=True, force_grouping=True)

    max_pages = getattr(category, "max_pages", None)
    if max_pages and facts.pages is not None and facts.pages > max_pages:
        raise MediaRejected(
            "too_many_pages",
            ngettext(
                "Your PDF has %(pages)s pages; this category allows at most %(max)s page. Shorten it.",
                "Your PDF has %(pages)s pages; this category allows at most %(max)s pages. Shorten it.",
                max_pages,
            )
            % {"pages": grouped(facts.pages), "max": grouped(max_pages)},
        )
    if not (category.min_words or category.max_words) or facts.words is None:
        return
    if facts.words == 0:
        raise MediaRejected(
            "no_text",
            _(
                "We found no text in your PDF: it may be a scan or a picture of the pages. "
                "Export your essay from your writing program as a PDF, so its words can be read, and upload that."
            ),
        )
    if category.max_words and facts.words > category.max_words:
        raise MediaRejected(
            "too_many_words",
            _("Your essay has %(words)s words; this category allows at most %(max)s. Shorten it.")
            % {"words": grouped(facts.words), "max": grouped(category.max_words)},
        )
    if category.min_words and facts.words < category.min_words:
        raise MediaRejected(
            "too_few_words",
            _("Your essay has %(words)s words; this category needs at least %(min)s.")
            % {"words": grouped(facts.words), "min": grouped(category.min_words)},
        )


def render_pdf_preview(path: Path, out_dir: Path) -> Output:
    """The first page as a JPEG, 1600 px on its long side, drawn by pdfium in a child process."""
    _check_bytes(path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = (out_dir / Spec.PREVIEW).resolve()
    answer = _run_child("render", Path(path).resolve(), str(target))
    return Output(spec=Spec.PREVIEW, path=target, content_type="image/jpeg", width=answer["width"],
                  height=answer["height"])


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
