"""OFD (GB/T 33190, China's fixed-layout format) → text, with OCR of scanned pages.

No maintained Python library reads OFD well (easyofd renders to PDF through heavy
dependencies), but an OFD is a zip of XML: ``OFD.xml`` → ``Document.xml`` → the pages'
``Content.xml``, whose ``TextObject/TextCode`` elements carry the text. Reading those in page
order with the standard library and lxml is enough for search and metadata; layout is ignored.

Scanned OFDs (most of what government archives receive from digitisation) hold no text: each
page draws an ``ImageObject`` whose ``ResourceID`` names a ``MultiMedia`` entry in a resource
file (``PublicRes``/``DocumentRes`` of the document, ``PageRes`` of a page), whose
``MediaFile`` is the image in the zip. A page with less text than ``_MIN_CHARS_PER_PAGE`` and
an image is OCR'd like a PDF page without a text layer: its largest image (the scan, not a seal
or logo) goes to :func:`lantai.text.ocr.recognise_pages` with the page number, under the file's
OCR time budget. Pages with text keep it, so a mixed OFD reads in page order.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from lantai.text import limits
from lantai.text.result import ExtractResult

_MAX_XML = 50 * 1024 * 1024
_MAX_IMAGE = 64 * 1024 * 1024
_MIN_CHARS_PER_PAGE = 10
_MAX_OCR_PAGES = 50
# What a damaged package raises: zipfile gives RuntimeError for encrypted members (and its
# subclass NotImplementedError for unknown compression), KeyError naming a missing member.
_BROKEN = (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, OSError, RuntimeError)


@dataclass(slots=True)
class _Page:
    text: str
    image: bytes | None = None
    problem: str | None = None  # why an image page cannot be OCR'd


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    info = archive.getinfo(name)
    if info.file_size > _MAX_XML:
        raise ValueError(f"{name} is too large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(archive.read(name), parser)


def _resolve(base: str, ref: str, names: set[str], *folders: str) -> str:
    """The zip member ``ref`` names, seen from the file ``base``.

    GB/T 33190 paths are relative to the referring file's folder, or absolute from the package
    root when they start with ``/``; producers differ (some write paths from the root without
    the slash, or repeat a resource folder), so the candidates are tried in that order and the
    first that exists wins.
    """
    ref = ref.strip().replace("\\", "/")
    if ref.startswith("/"):
        candidates = [ref]
    else:
        here = posixpath.dirname(base)
        candidates = [posixpath.join(here, *folders, ref), posixpath.join(here, ref), ref]
    cleaned = [posixpath.normpath(c).lstrip("/") for c in candidates]
    cleaned = [c for c in cleaned if not c.startswith("..")]
    return next((c for c in cleaned if c in names), cleaned[0] if cleaned else ref)


def extract_ofd(data: bytes, ocr_timeout: float | None = None) -> ExtractResult:
    """Text of every page, OCR for scanned ones; never raises.

    ``ocr_timeout`` defaults to ``LANTAI_OCR_TIMEOUT`` (:mod:`lantai.text.limits`).
    """
    result = ExtractResult(kind="ofd")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pages = list(_pages(archive))
    except _BROKEN as error:
        detail = f": {error.args[0]}" if error.args else ""
        result.reason = f"unreadable OFD: {type(error).__name__}{detail}"[:200]
        return result
    result.pages = len(pages)
    scans = [n for n, p in enumerate(pages, 1) if len(p.text.strip()) < _MIN_CHARS_PER_PAGE]
    texts = {n: p.text for n, p in enumerate(pages, 1)}
    problems = [f"page {n}: {pages[n - 1].problem}" for n in scans if pages[n - 1].problem]
    to_ocr = [(n, image) for n in scans if (image := pages[n - 1].image)][:_MAX_OCR_PAGES]
    if to_ocr:
        problems += _ocr(result, to_ocr, texts, ocr_timeout)
    result.body = "\n".join(t for _, t in sorted(texts.items()) if t)
    if problems:
        result.reason = "; ".join(problems)[:300]
    elif not result.body.strip():
        result.reason = "OFD has no text objects and no page images to OCR"
    return result


def _ocr(
    result: ExtractResult,
    images: list[tuple[int, bytes]],
    texts: dict[int, str],
    timeout: float | None,
) -> list[str]:
    """OCR the scanned pages into ``texts``; the problems to report."""
    from lantai.text import ocr

    if timeout is None:
        timeout = limits.ocr_timeout()
    recognised = ocr.recognise_pages(images, timeout=timeout)
    result.ocr_lines, result.ocr_engine = recognised.lines, recognised.engine
    for number, _ in images:
        lines = [line.text for line in recognised.lines if line.page == number]
        if lines:
            texts[number] = "\n".join(lines)
    return [recognised.reason] if recognised.reason else []


def _pages(archive: zipfile.ZipFile) -> Iterator[_Page]:
    names = set(archive.namelist())
    root = _xml(archive, "OFD.xml")
    for node in root.iter():
        if _local(node.tag) != "DocRoot" or not node.text:
            continue
        doc_name = _resolve("OFD.xml", node.text, names)
        doc = _xml(archive, doc_name)
        shared = _media(archive, names, doc_name, doc, ("PublicRes", "DocumentRes"))
        for page in doc.iter():
            location = page.get("BaseLoc")
            if _local(page.tag) != "Page" or not location:
                continue
            name = _resolve(doc_name, location, names)
            if name in names:
                yield _page(archive, names, name, shared)


def _media(
    archive: zipfile.ZipFile,
    names: set[str],
    owner: str,
    tree: etree._Element,
    tags: tuple[str, ...],
) -> dict[str, str]:
    """``MultiMedia`` ID → zip member, from the resource files ``tree`` lists under ``tags``."""
    media: dict[str, str] = {}
    for node in tree.iter():
        if _local(node.tag) not in tags or not node.text:
            continue
        res_name = _resolve(owner, node.text, names)
        if res_name not in names:
            continue
        res = _xml(archive, res_name)
        base = res.get("BaseLoc", "")
        for item in res.iter():
            media_id = item.get("ID")
            if _local(item.tag) != "MultiMedia" or not media_id:
                continue
            files = [c.text for c in item if _local(c.tag) == "MediaFile" and c.text]
            if files:
                media[media_id] = _resolve(res_name, files[0], names, base)
    return media


def _page(archive: zipfile.ZipFile, names: set[str], name: str, shared: dict[str, str]) -> _Page:
    tree = _xml(archive, name)
    lines: list[str] = []
    image_ids: list[str] = []
    for obj in tree.iter():
        kind = _local(obj.tag)
        if kind == "TextObject":
            text = "".join(c.text or "" for c in obj.iter() if _local(c.tag) == "TextCode")
            if text:
                lines.append(text)
        elif kind == "ImageObject" and (resource := obj.get("ResourceID")):
            image_ids.append(resource.strip())
    page = _Page("\n".join(lines))
    if image_ids:
        media = {**shared, **_media(archive, names, name, tree, ("PageRes",))}
        page.image, page.problem = _largest_image(archive, names, image_ids, media)
    return page


def _largest_image(
    archive: zipfile.ZipFile, names: set[str], ids: list[str], media: dict[str, str]
) -> tuple[bytes | None, str | None]:
    """The biggest image the page draws (the scan), or None and why there is none."""
    found = [media[i] for i in ids if media.get(i) in names]
    if not found:
        return None, f"image resource {ids[0]} is missing from the OFD"
    largest = max(found, key=lambda n: archive.getinfo(n).file_size)
    if archive.getinfo(largest).file_size > _MAX_IMAGE:
        return None, f"image {largest} is over the {_MAX_IMAGE // 2**20} MiB limit"
    return archive.read(largest), None
