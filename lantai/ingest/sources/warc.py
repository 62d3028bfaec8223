"""WARC files (网页归档): each captured HTML page becomes one item of 门类 ``WY``.

Design decisions:

- Read with warcio, record by record, streaming: a page's body is copied to a file in blocks,
  never held whole, so a multi-GB WARC needs memory for one block.
- An item is a ``response`` (or ``resource``) record with status 200 and an HTML content type
  (``text/html``, ``application/xhtml+xml``). Its fields: ``url`` (WARC-Target-URI),
  ``capture_date`` (WARC-Date), ``category`` ``WY``, ``title`` from the page's ``<title>``
  (falling back to the URL), ``date`` the capture day, ``creator`` from the page's own
  ``<meta name="author|source|publisher">`` when it has one. Without it the creator is left to
  the text pipeline (bylines, 来源：…, the site's name; ``records._creator``): a host name is
  not a 责任者.
- Every record is kept, so a page can be replayed: each page item carries a *capture* WARC
  (``SubmittedItem.captures``, stored under ``data/capture/``) holding, byte for byte and in
  their original order, the records of its URL (request, response, metadata, revisits), the
  records linked to those (``WARC-Concurrent-To``/``WARC-Refers-To``), the records of the URLs
  its HTML embeds (``src``/``href``/``url()``), and the ``warcinfo`` records. Records no page
  claims (an unlinked image, an HTTP 404) go to the first page's capture, so the captures
  together hold every record of the WARC. A WARC with one page is thus stored whole. Records
  are copied as raw byte ranges (from each record's offset to the next one's): a per-record
  gzip WARC slices into valid ``.warc.gz`` files without recompression.
- Non-HTML records are still not items; one summary warning per content type says so.
- The body stored is the HTTP entity after warcio removes transfer and content encodings, so
  it opens as HTML. When neither encoding was applied, the record's ``WARC-Payload-Digest``
  (``sha1:<base32>``) is declared for the file and 1-1 verifies it.
- A WARC cut in the middle of a record (an interrupted copy, a ``.warc.gz`` cut short) is
  returned at 2-7, naming the record number and its byte offset: warcio reads such a record
  silently short, so each record's ``Content-Length`` must have been read to its end
  (``raw_stream.limit`` left at 0). The pages before the cut are not accepted on their own: the
  capture would be incomplete without anyone knowing.
- Files are named ``NNNNN-<host><path>.html`` (Unicode kept, unsafe characters replaced),
  unique by the record's position.
"""

from __future__ import annotations

import base64
import errno
import gzip
import html
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from lantai.preservation.hashing import BLOCK_SIZE
from lantai.sip.errors import temp_disk_full
from lantai.sip.submission import Submission, SubmittedFile, SubmittedItem, nfc

KIND: Final = "warc"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|%]+')
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)
_META = re.compile(rb"<meta\s[^>]*>", re.IGNORECASE)
_META_NAME = re.compile(rb"""(?:name|property)\s*=\s*["']?([\w:.-]+)""", re.IGNORECASE)
_META_CONTENT = re.compile(rb"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
CREATOR_META = ("author", "source", "publisher", "dc.creator", "dc.publisher")
_LINK = re.compile(
    rb"""(?:src|href|data-src|poster)\s*=\s*["']([^"'<>\s]+)["']|url\(\s*["']?([^"')\s]+)""",
    re.IGNORECASE,
)
EMBED_SCAN = 4 * 1024 * 1024  # bytes of a page searched for the URLs it embeds


class _Truncated(Exception):
    def __init__(self, position: int, offset: int) -> None:
        self.position, self.offset = position, offset


@dataclass
class _Record:
    """Where one record lies in the WARC and what links it to a page."""

    offset: int
    length: int
    kind: str
    uri: str
    record_id: str
    links: tuple[str, ...]
    pages: set[int] = field(default_factory=set)  # indexes of the items that claim it


def matches(path: Path) -> bool:
    if not path.is_file():
        return False
    with open(path, "rb") as stream:
        head = stream.read(4)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as stream:
                head = stream.read(5)
        except (OSError, EOFError):
            return False
    return head.startswith(b"WARC")


def read(path: Path) -> Submission:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    temp = Path(tempfile.mkdtemp(prefix="lantai-warc-"))
    submission = Submission(KIND, path, cleanup=[temp])
    submission.support_files.append(SubmittedFile(path, nfc(path.name), path.stat().st_size))
    skipped: Counter[str] = Counter()
    index: list[_Record] = []
    pages: list[int] = []  # the index position of each item's response record
    try:
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for position, record in enumerate(records, start=1):
                kind = _html_page(record)
                if kind:
                    skipped[kind] += 1
                else:
                    submission.items.append(_item(record, position, temp))
                    pages.append(len(index))
                index.append(_index_entry(record, records))
                if getattr(record.raw_stream, "limit", 0) > 0:  # body ended before its length
                    raise _Truncated(position, index[-1].offset)
        _write_captures(path, temp, submission.items, index, pages)
    except _Truncated as cut:
        shutil.rmtree(temp, ignore_errors=True)
        submission.items.clear()
        submission.problem(
            f"WARC 文件在第 {cut.position} 条记录（自第 {cut.offset:,} 字节起）中途被截断，"
            "之后的内容缺失：请重新导出或重新采集该网站，完整复制后再移交",
            file=path.name,
            code="2-7",
        )
        return submission
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        shutil.rmtree(temp, ignore_errors=True)
        submission.items.clear()
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            # The server's temp disk, not the submitter's WARC (as for a zip, sources/zip.py).
            raise temp_disk_full(temp.parent, path.stat().st_size) from None
        submission.problem(
            f"WARC 文件无法完整读取（{error}）：文件可能损坏或被截断", file=path.name, code="3-4"
        )
        return submission
    if skipped:
        summary = "、".join(f"{kind} {count} 条" for kind, count in skipped.most_common())
        submission.warnings.append(f"WARC 中非 HTML 页面的记录未作为条目接收：{summary}")
    if not submission.items:
        submission.close()
        submission.problem(
            "WARC 中没有可接收的 HTML 页面（状态 200 的 response 记录）：文件可能被截断或不含网页",
            file=path.name,
            code="2-7",
        )
    return submission


def _html_page(record) -> str | None:
    """``None`` for a capturable HTML page, else what the record is (for the summary)."""
    if record.rec_type not in ("response", "resource"):
        return record.rec_type
    headers = record.http_headers
    if record.rec_type == "response":
        if headers is None:
            return "非 HTTP 响应"
        if headers.get_statuscode() != "200":
            return f"HTTP {headers.get_statuscode()}"
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    return None if mime in HTML_TYPES else (mime or "未知类型")


def _item(record, position: int, temp: Path) -> SubmittedItem:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    captured = record.rec_headers.get_header("WARC-Date") or ""
    name = _file_name(position, url)
    target = temp / name
    with open(target, "xb") as sink:
        shutil.copyfileobj(record.content_stream(), sink, BLOCK_SIZE)
    head = _head(target)
    fields = {
        "url": url,
        "capture_date": captured,
        "category": "WY",
        "title": _title(head, record) or url,
        "date": captured[:10],
        "creator": _meta_creator(head, record),
        "format": "html",
    }
    file = SubmittedFile(target, name, target.stat().st_size, _payload_digest(record))
    return SubmittedItem(
        row=None, ref_code=None, fields={k: v for k, v in fields.items() if v}, files=[file]
    )


def _file_name(position: int, url: str) -> str:
    parts = urlsplit(url)
    stem = _UNSAFE.sub("_", nfc(unquote(f"{parts.hostname or ''}{parts.path}"))).strip("_.")
    stem = re.sub(r"\.x?html?$", "", stem, flags=re.IGNORECASE)
    return f"{position:05d}-{stem[:100] or 'page'}.html"


def _head(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(64 * 1024)


def _title(head: bytes, record) -> str:
    match = _TITLE.search(head)
    return _text(match.group(1), head, record) if match else ""


def _meta_creator(head: bytes, record) -> str:
    """The first of the page's ``<meta name=author|source|publisher…>`` with a content."""
    found: dict[str, bytes] = {}
    for tag in _META.findall(head):
        named, content = _META_NAME.search(tag), _META_CONTENT.search(tag)
        if named and content:
            found.setdefault(
                named.group(1).decode("ascii", "replace").lower(),
                content.group(1) or content.group(2) or b"",
            )
    for name in CREATOR_META:
        text = _text(found.get(name, b""), head, record)
        if text:
            return text
    return ""


def _text(raw: bytes, head: bytes, record) -> str:
    """Bytes of the page decoded as the page is (declared charset, tolerance for a character
    cut by the server); the U+FFFD left by such a cut is dropped, not stored in metadata."""
    if not raw.strip():
        return ""
    from lantai.text.decode import decode

    content_type = (
        (record.http_headers.get_header("Content-Type") or "").encode()
        if record.http_headers
        else b""
    )
    declared = _CHARSET.search(content_type) or _CHARSET.search(head)
    text = decode(raw, declared.group(1).decode() if declared else None).text
    return " ".join(html.unescape(text).replace("\ufffd", "").split())


def _index_entry(record, records) -> _Record:
    headers = record.rec_headers
    links = tuple(
        value
        for name in ("WARC-Concurrent-To", "WARC-Refers-To")
        if (value := headers.get_header(name))
    )
    return _Record(
        offset=records.get_record_offset(),  # reads the rest of the record first
        length=records.get_record_length(),
        kind=record.rec_type,
        uri=headers.get_header("WARC-Target-URI") or "",
        record_id=headers.get_header("WARC-Record-ID") or "",
        links=links,
    )


def _embedded(item: SubmittedItem) -> set[str]:
    """Absolute URLs (no fragment) that the page's HTML refers to."""
    base = item.fields.get("url", "")
    with open(item.files[0].path, "rb") as stream:
        data = stream.read(EMBED_SCAN)
    urls = set()
    for match in _LINK.finditer(data):
        raw = (match.group(1) or match.group(2)).decode("utf-8", "replace")
        urls.add(urldefrag(urljoin(base, html.unescape(raw)))[0])
    return urls


def _write_captures(
    path: Path, temp: Path, items: list[SubmittedItem], index: list[_Record], pages: list[int]
) -> None:
    """Give each page item its capture WARC (see the module docstring)."""
    if not items:
        return
    _extend_to_next_record(path, index)
    _assign_pages(items, index, pages)
    suffix = ".warc.gz" if _gzipped(path) else ".warc"
    with open(path, "rb") as source:
        for number, item in enumerate(items):
            name = item.files[0].name.removesuffix(".html") + suffix
            target = temp / "capture" / name
            target.parent.mkdir(exist_ok=True)
            with open(target, "xb") as sink:
                for entry in index:
                    if number in entry.pages:
                        _copy_range(source, sink, entry.offset, entry.length)
            item.captures.append(SubmittedFile(target, name, target.stat().st_size))


def _extend_to_next_record(path: Path, index: list[_Record]) -> None:
    """A record runs to the next one: warcio's length leaves out the blank lines that end an
    uncompressed record, and the copy must keep them to stay a valid WARC."""
    ends = [entry.offset for entry in index[1:]] + [path.stat().st_size]
    for entry, end in zip(index, ends, strict=True):
        entry.length = max(entry.length, end - entry.offset)


def _assign_pages(items: list[SubmittedItem], index: list[_Record], pages: list[int]) -> None:
    """Mark each record with the pages whose capture holds it: a page's own records, those of
    the resources it embeds, and every record linked with one of these; warcinfo goes to
    every page, and a record no page claims to the first."""
    by_uri: dict[str, list[_Record]] = {}
    linked: dict[str, list[_Record]] = {}  # record id → the records linked with it, both ways
    for entry in index:
        by_uri.setdefault(entry.uri, []).append(entry)
        for link in entry.links:
            linked.setdefault(link, []).append(entry)
    by_id = {entry.record_id: entry for entry in index}
    for entry in index:
        linked.setdefault(entry.record_id, []).extend(
            by_id[link] for link in entry.links if link in by_id
        )
    for number, (item, at) in enumerate(zip(items, pages, strict=True)):
        claimed = [*by_uri.get(index[at].uri, [])]
        for url in _embedded(item):
            claimed += by_uri.get(url, [])
        for entry in list(claimed):
            claimed += linked.get(entry.record_id, [])
        for entry in claimed:
            entry.pages.add(number)
    for entry in index:
        if entry.kind == "warcinfo":
            entry.pages.update(range(len(items)))
        elif not entry.pages:
            entry.pages.add(0)


def _gzipped(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


def _copy_range(source, sink, offset: int, length: int) -> None:
    source.seek(offset)
    while length > 0:
        block = source.read(min(BLOCK_SIZE, length))
        if not block:
            raise EOFError("WARC 记录长度超出文件末尾")
        sink.write(block)
        length -= len(block)


def _payload_digest(record) -> dict[str, str]:
    """``sha1:BASE32`` → {"sha1": hex}, only when the stored body is the digested payload."""
    headers = record.http_headers
    if headers and (
        headers.get_header("Content-Encoding") or headers.get_header("Transfer-Encoding")
    ):
        return {}
    value = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    algorithm, _, encoded = value.partition(":")
    if algorithm.lower() != "sha1" or not encoded:
        return {}
    try:
        return {"sha1": base64.b32decode(encoded.upper()).hex()}
    except ValueError:
        return {}
