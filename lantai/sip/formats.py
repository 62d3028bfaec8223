"""Format identification: magic bytes decide, PRONOM (pygfried) names.

Design decisions:

- The policy key (``pdf``, ``ofd``, ``tiff`` …) comes from Lantai's own magic-byte rules on the
  first 64 KiB: deterministic, fast, and the same with or without optional packages. Zip-based
  formats are told apart by their members (``OFD.xml`` → OFD, ``word/document.xml`` → DOCX).
- ``pygfried`` (siegfried with PRONOM built in, a base dependency) gives the PUID, recorded on
  the Component (``format_id``), in the AIP metadata and in 3-3's report. ``pygfried.identify``
  returns a string such as ``"fmt/96"``, ``"UNKNOWN"`` when nothing matched, or ``None``;
  only a real PUID is kept (``"UNKNOWN"``/``None`` → ``""``, never the text ``"None"``).
  When siegfried has no match for a text-based file Lantai identified by content (an HTML
  fragment, a page with a damaged character), the generic PUID of that format is recorded with
  ``puid_basis = "lantai"`` so the record says who identified it. When the magic bytes name no
  format but siegfried does (a format our rules do not know), the PUID decides the key
  (:data:`PUID_KEYS`), so 3-3 judges by PRONOM as well.
- Text is told from binary through ``lantai.text.decode`` with its tolerance: a page with a
  character cut by the server is still text (the damage is reported by 3-4 as a warning, not
  here). HTML is a ``<html``/``<!doctype html``/``<head``/``<body`` near the start *or* content
  that starts with an HTML element (``<div>``, ``<p>``, ``<table>`` …): fragments saved from a
  CMS are HTML too.
- Results are cached per (path, size, mtime): several checks ask about the same file.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEAD = 64 * 1024


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    mime: str
    puid: str = ""
    puid_basis: str = ""  # "siegfried" | "lantai" (generic PUID of a content rule) | ""


LABELS = {
    "pdf": ("PDF", "application/pdf"),
    "ofd": ("OFD", "application/ofd"),
    "tiff": ("TIFF", "image/tiff"),
    "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "gif": ("GIF", "image/gif"),
    "wav": ("WAV", "audio/wav"),
    "mp3": ("MP3", "audio/mpeg"),
    "mp4": ("MP4", "video/mp4"),
    "html": ("HTML", "text/html"),
    "xml": ("XML", "application/xml"),
    "txt": ("纯文本", "text/plain"),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "ole": ("OLE 复合文档（DOC/XLS/加密 Office）", "application/x-ole-storage"),
    "zip": ("ZIP 压缩包", "application/zip"),
    "rar": ("RAR 压缩包", "application/vnd.rar"),
    "7z": ("7z 压缩包", "application/x-7z-compressed"),
    "gzip": ("GZIP 压缩包", "application/gzip"),
    "exe": ("Windows 可执行程序", "application/vnd.microsoft.portable-executable"),
    "elf": ("ELF 可执行程序", "application/x-executable"),
    "macho": ("Mach-O 可执行程序", "application/x-mach-binary"),
    "empty": ("空文件", "application/octet-stream"),
    "unknown": ("未知格式", "application/octet-stream"),
}
# Extension → the format keys it may hold (1-10 extension consistency).
EXTENSIONS = {
    "pdf": ("pdf",),
    "ofd": ("ofd",),
    "tif": ("tiff",),
    "tiff": ("tiff",),
    "jpg": ("jpeg",),
    "jpeg": ("jpeg",),
    "png": ("png",),
    "gif": ("gif",),
    "wav": ("wav",),
    "mp3": ("mp3",),
    "mp4": ("mp4",),
    "html": ("html", "txt", "xml"),
    "htm": ("html", "txt", "xml"),
    "txt": ("txt",),
    "xml": ("xml", "txt"),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
    "doc": ("ole",),
    "xls": ("ole",),
}
_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"GIF8", "gif"),
    (b"ID3", "mp3"),
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
]
_HTML = re.compile(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
# Content that *starts* with one of these elements (after a BOM, blanks and comments) is an
# HTML fragment. Only elements, so an XML document or a plain text starting with "<" is not.
_FRAGMENT = re.compile(
    rb"^(?:\s|<!--.*?-->)*<(?:div|p|span|table|tr|td|ul|ol|li|h[1-6]|a|img|br|section|article|"
    rb"header|footer|nav|main|form|meta|link|title|style|script|strong|b|i|em|font|center|"
    rb"blockquote|pre|iframe)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
# PUIDs that name a format our magic rules do not tell apart → the policy key.
PUID_KEYS = {
    "fmt/96": "html",
    "fmt/97": "html",
    "fmt/98": "html",
    "fmt/99": "html",
    "fmt/100": "html",
    "fmt/471": "html",
    "fmt/583": "html",
    "fmt/101": "xml",
    "x-fmt/111": "txt",
}
TEXT_KEYS = frozenset({"html", "xml", "txt"})
# The generic PUID of a text format identified by content when siegfried found nothing.
GENERIC_PUIDS = {"html": "fmt/96", "xml": "fmt/101", "txt": "x-fmt/111"}


def identify(path: Path) -> Format:
    stat = os.stat(path)
    return _identify(str(path), stat.st_size, stat.st_mtime_ns)


# The checks look a file up several times (3-3, 3-4, 3-8, 1-10, 4-9) and the AIP writer once
# more, each pass over the whole batch; a cache smaller than the batch would miss on every
# call (LRU order) and re-run identification 6 times per file. 65,536 entries (about 600 bytes
# each, under 40 MB) cover batches of that many files; memory stays bounded beyond.
@functools.lru_cache(maxsize=1 << 16)
def _identify(path: str, size: int, mtime: int) -> Format:
    if size == 0:
        return Format("empty", *LABELS["empty"])
    key, puid = _magic_key(Path(path)), _puid(path)
    basis = "siegfried" if puid else ""
    if key == "unknown" and PUID_KEYS.get(puid):
        key = PUID_KEYS[puid]
    elif not puid and key in GENERIC_PUIDS:
        puid, basis = GENERIC_PUIDS[key], "lantai"
    label, mime = LABELS[key]
    return Format(key, label, mime, puid, basis)


def _magic_key(path: Path) -> str:
    with open(path, "rb") as stream:
        head = stream.read(HEAD)
    for magic, key in _MAGIC:
        if head.startswith(magic):
            return key
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "mp4"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3"  # MPEG audio frame sync without an ID3 tag
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_key(path)
    return _text_key(head)


def _zip_key(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = {n.lower() for n in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "ofd.xml" in names:
        return "ofd"
    for member, key in (
        ("word/document.xml", "docx"),
        ("xl/workbook.xml", "xlsx"),
        ("ppt/presentation.xml", "pptx"),
    ):
        if member in names:
            return key
    return "zip"


def _text_key(head: bytes) -> str:
    if b"\x00" in head or not is_text(head):
        return "unknown"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML.search(head[:4096]) or _FRAGMENT.match(stripped[:4096]):
        return "html"
    if stripped.startswith(b"<?xml"):
        return "xml"
    return "txt"


def is_text(sample: bytes) -> bool:
    """Whether ``sample`` (a file's head, possibly cut mid-character) decodes as text, with
    the tolerance of ``lantai.text.decode`` for a few damaged characters."""
    from lantai.text.decode import decode

    return bool(decode(_complete(sample)).text)


def _complete(sample: bytes) -> bytes:
    """``sample`` without a multi-byte character cut at its end (the 64 KiB head boundary)."""
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        pending = len(decoder.getstate()[0])
        return sample[: len(sample) - pending] if pending else sample
    return sample


@functools.cache
def pronom_available() -> bool:
    try:
        import pygfried  # noqa: F401
    except ImportError:
        return False
    return True


def _puid(path: str) -> str:
    try:
        import pygfried
    except ImportError:
        return ""
    try:
        found = pygfried.identify(path)
    except Exception:  # siegfried errors are not a reason to fail identification
        return ""
    # A string such as "fmt/96"; "UNKNOWN" when nothing matched; None with no identifier.
    return found if isinstance(found, str) and "/" in found else ""
