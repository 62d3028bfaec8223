"""OFD (GB/T 33190, China's fixed-layout format) → text.

No maintained Python library reads OFD well (easyofd renders to PDF through heavy
dependencies), but an OFD is a zip of XML: ``OFD.xml`` → ``Document.xml`` → the pages'
``Content.xml``, whose ``TextObject/TextCode`` elements carry the text. Reading those in page
order with the standard library and lxml is enough for search and metadata; layout is ignored.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from lantai.text.result import ExtractResult

_MAX_XML = 50 * 1024 * 1024


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    info = archive.getinfo(name)
    if info.file_size > _MAX_XML:
        raise ValueError(f"{name} is too large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(archive.read(name), parser)


def _resolve(base: str, ref: str) -> str:
    ref = ref.strip().lstrip("/")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), ref))
    return joined if not joined.startswith("..") else ref


def extract_ofd(data: bytes) -> ExtractResult:
    """Text of every page; never raises."""
    result = ExtractResult(kind="ofd")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            pages = list(_page_files(archive, names))
            texts = [_page_text(archive, name) for name in pages if name in names]
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError) as error:
        result.reason = f"unreadable OFD: {type(error).__name__}"
        return result
    result.pages, result.body = len(texts), "\n".join(texts)
    if not result.body.strip():
        result.reason = "OFD has no text objects (a scanned OFD needs OCR of its images)"
    return result


def _page_files(archive: zipfile.ZipFile, names: set[str]):
    root = _xml(archive, "OFD.xml")
    for node in root.iter():
        if _local(node.tag) != "DocRoot" or not node.text:
            continue
        doc_name = node.text.strip().lstrip("/")
        doc = _xml(archive, doc_name)
        for page in doc.iter():
            if _local(page.tag) == "Page" and page.get("BaseLoc"):
                yield _resolve(doc_name, page.get("BaseLoc"))


def _page_text(archive: zipfile.ZipFile, name: str) -> str:
    lines: list[str] = []
    for obj in _xml(archive, name).iter():
        if _local(obj.tag) == "TextObject":
            text = "".join(c.text or "" for c in obj.iter() if _local(c.tag) == "TextCode")
            if text:
                lines.append(text)
    return "\n".join(lines)
