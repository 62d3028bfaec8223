"""The text pipeline facade: any file → :class:`ExtractResult` (issue 4).

Ingest calls :func:`extract` on every received file, so the contract is strict: it never
raises on bad input (the ``reason`` field says why a result is empty), it is fast on plain text
(no parser or model is loaded unless the file needs it) and it bounds its work:

* files over ``LANTAI_TEXT_MAX_BYTES`` (default 64 MiB) are refused *before* reading, with the
  limit in the reason — a 500 MB "text" file is a data dump, not a record, and reading it whole
  would blow ingest's bounded memory;
* OCR runs under a time budget (``LANTAI_OCR_TIMEOUT`` seconds, default 120).

The type is sniffed from the bytes first (a PDF named ``.txt`` is still a PDF) and only then
from the file name. After the type-specific extractor, one finishing step applies to every
kind: cleaning, script detection and the metadata rules for fields the format did not supply.
"""

from __future__ import annotations

import os
import re
import zipfile
from io import BytesIO
from pathlib import Path

from lantai.text import dates, metadata
from lantai.text.clean import clean
from lantai.text.limits import max_bytes, ocr_timeout
from lantai.text.result import ExtractResult
from lantai.text.script import detect_script

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body)", re.I | re.S
)
_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".mhtml", ".php", ".asp", ".aspx", ".jsp"}


def _too_large(size: int) -> ExtractResult:
    limit = max_bytes()
    return ExtractResult(
        reason=f"file is {size / 2**20:.0f} MiB, over the {limit / 2**20:.0f} MiB limit "
        "for text extraction (LANTAI_TEXT_MAX_BYTES)"
    )


def extract(path: str | os.PathLike[str], url: str | None = None) -> ExtractResult:
    """Extract text and metadata from the file at ``path``; never raises on bad input."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > max_bytes():
            return _too_large(size)
        data = file.read_bytes()
    except OSError as error:
        return ExtractResult(reason=f"cannot read file: {error.strerror or error}")
    return extract_bytes(data, file.name, url=url)


def sniff(data: bytes, filename: str = "") -> str:
    """``pdf``, ``docx``, ``ofd``, ``zip``, ``image``, ``html`` or ``text``."""
    head = data[:2048]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    suffix = Path(filename).suffix.lower()
    if suffix in _HTML_SUFFIXES or _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def extract_bytes(data: bytes, filename: str = "", url: str | None = None) -> ExtractResult:
    """Extract from bytes already in memory (``filename`` only helps to tell the type)."""
    if len(data) > max_bytes():
        return _too_large(len(data))
    kind = sniff(data, filename)
    try:
        result = _dispatch(kind, data, url)
    except Exception as error:  # the never-raise contract; extractors catch what they expect
        result = ExtractResult(kind=kind, reason=f"extraction failed: {type(error).__name__}")
    finish(result, filename=filename, url=url)
    return result


def _dispatch(kind: str, data: bytes, url: str | None) -> ExtractResult:
    if kind == "pdf":
        from lantai.text.pdf import extract_pdf

        return extract_pdf(data, ocr_timeout())
    if kind == "docx":
        from lantai.text.docx import extract_docx

        return extract_docx(data)
    if kind == "ofd":
        from lantai.text.ofd import extract_ofd

        return extract_ofd(data, ocr_timeout())
    if kind == "image":
        return _image(data)
    if kind == "html":
        from lantai.text.html import extract_html

        return extract_html(data, url=url)
    if kind == "zip":
        return ExtractResult(kind="zip", reason="a zip archive is a container, not a document")
    from lantai.text.plain import extract_plain

    return extract_plain(data)


def _image(data: bytes) -> ExtractResult:
    from lantai.text import ocr

    recognised = ocr.recognise_image(data, timeout=ocr_timeout())
    return ExtractResult(
        kind="image",
        body=recognised.text,
        ocr_lines=recognised.lines,
        pages=1,
        ocr_engine=recognised.engine,
        reason=recognised.reason,
    )


def finish(result: ExtractResult, filename: str = "", url: str | None = None) -> None:
    """Cleaning, script and metadata common to every kind (fields already set are kept)."""
    result.body = clean(result.body)
    body = result.body
    if not body:
        result.reason = result.reason or "no text found"
        return
    result.script = detect_script(body)
    if result.title is None and result.kind in {"text", "docx", "ofd", "pdf"}:
        result.title = metadata.guess_title(body)
    if result.date is None:
        result.date = _date(body, filename, url)
    if not result.authors:
        result.authors = metadata.find_authors(body)
    if result.source is None:
        result.source = metadata.find_source(body)
    result.places = metadata.find_places(body)
    result.organisations = metadata.find_organisations(body)


def _date(body: str, filename: str, url: str | None) -> str | None:
    """A full date near the top; partial ones resolved against the name, URL or body year."""
    head = body[:600]
    context = dates.date_from_url(url or "") or dates.date_from_url(filename)
    full = [d.iso for d in dates.find_dates(head)]
    context_year = dates.year_of(context) or next((dates.year_of(d) for d in full), None)
    found = dates.find_dates(head, context_year)
    precise = [d.iso for d in found if len(d.iso) == 10]
    if precise:
        return precise[0]
    if context:
        return context
    return found[0].iso if found else None
