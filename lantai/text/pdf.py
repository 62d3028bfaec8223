"""PDF → text layer, or OCR of the page images when there is no text layer.

pypdf reads the text layer without native dependencies. Scanned PDFs carry one image per page;
pypdf can hand those images out (it cannot render vector pages), which is exactly what OCR
needs for scans. An encrypted PDF is tried with the empty user password (many "protected" PDFs
only restrict printing); otherwise the result is empty with the reason.

A text layer thinner than ``_MIN_CHARS_PER_PAGE`` per page sends the pages to OCR, but the
text layer is never thrown away for it: when OCR reads less (a page that really holds only
"附件一", no images to OCR, no engine), the text layer is the body.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from lantai.text import limits, ocr
from lantai.text.result import ExtractResult

if TYPE_CHECKING:
    from pypdf import PageObject

_MIN_CHARS_PER_PAGE = 10
_MAX_OCR_PAGES = 50


def extract_pdf(data: bytes, ocr_timeout: float | None = None) -> ExtractResult:
    """Text of every page (pages joined by newlines); never raises."""
    result = ExtractResult(kind="pdf")
    try:
        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            result.reason = "encrypted PDF: a password is needed to read it"
            return result
        pages = list(reader.pages)
        texts = [_page_text(page) for page in pages]
    except Exception as error:  # pypdf raises many types on damaged files
        result.reason = f"unreadable PDF: {type(error).__name__}: {error}"[:200]
        return result
    result.pages = len(pages)
    if sum(len(t.strip()) for t in texts) >= _MIN_CHARS_PER_PAGE * max(1, len(pages)):
        result.body = "\n".join(texts)
        return result
    _ocr_pages(result, pages, limits.ocr_timeout() if ocr_timeout is None else ocr_timeout)
    layer = "\n".join(texts)
    if layer.strip() and len(result.body.strip()) < len(layer.strip()):
        result.body, result.ocr_lines, result.ocr_engine, result.reason = layer, [], None, None
    return result


def _page_text(page: PageObject) -> str:
    try:
        return page.extract_text() or ""
    except Exception:  # a broken content stream on one page must not lose the others
        return ""


def _ocr_pages(result: ExtractResult, pages: list[PageObject], timeout: float) -> None:
    """OCR the images of image-only pages, within one overall time budget."""
    images: list[tuple[int, bytes]] = []
    for number, page in enumerate(pages[:_MAX_OCR_PAGES], start=1):
        try:
            page_images = list(page.images)
        except Exception:
            page_images = []
        images.extend((number, image.data) for image in page_images[:1])
    if not images:
        result.reason = "PDF has no text layer and no page images to OCR"
        return
    recognised = ocr.recognise_pages(images, timeout=timeout)
    result.body, result.ocr_lines = recognised.text, recognised.lines
    result.ocr_engine, result.reason = recognised.engine, recognised.reason
