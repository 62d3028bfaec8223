"""WARC files (网页归档): each captured HTML page becomes one item of 门类 ``WY``.

Design decisions:

- Read with warcio, record by record, streaming: a page's body is copied to a file in blocks,
  never held whole, so a multi-GB WARC needs memory for one block.
- An item is a ``response`` (or ``resource``) record with status 200 and an HTML content type
  (``text/html``, ``application/xhtml+xml``). Its fields: ``url`` (WARC-Target-URI),
  ``capture_date`` (WARC-Date), ``category`` ``WY``, ``title`` from the page's ``<title>``
  (falling back to the URL), ``date`` the capture day, ``creator`` the site's host.
- Everything else (images, scripts, CSS, requests, metadata, revisits) is skipped with one
  summary warning per content type; the WARC itself is a support file of the batch, so nothing
  captured is lost.
- The body stored is the HTTP entity after warcio removes transfer and content encodings, so
  it opens as HTML. When neither encoding was applied, the record's ``WARC-Payload-Digest``
  (``sha1:<base32>``) is declared for the file and 1-1 verifies it.
- Files are named ``NNNNN-<host><path>.html`` (Unicode kept, unsafe characters replaced),
  unique by the record's position.
"""

from __future__ import annotations

import base64
import gzip
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lantai.ingest.hashing import BLOCK_SIZE
from lantai.ingest.submission import Submission, SubmittedFile, SubmittedItem, nfc

KIND = "warc"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|%]+')
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


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
    try:
        with open(path, "rb") as stream:
            for position, record in enumerate(ArchiveIterator(stream), start=1):
                kind = _html_page(record)
                if kind:
                    skipped[kind] += 1
                    continue
                submission.items.append(_item(record, position, temp))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        shutil.rmtree(temp, ignore_errors=True)
        submission.items.clear()
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
    host = urlsplit(url).hostname or ""
    fields = {
        "url": url,
        "capture_date": captured,
        "category": "WY",
        "title": _title(head, record) or url,
        "date": captured[:10],
        "creator": host,
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
    if not match:
        return ""
    content_type = (
        (record.http_headers.get_header("Content-Type") or "").encode()
        if (record.http_headers)
        else b""
    )
    declared = _CHARSET.search(content_type) or _CHARSET.search(head)
    encodings = [declared.group(1).decode()] if declared else []
    for encoding in [*encodings, "utf-8", "gb18030"]:
        try:
            return " ".join(match.group(1).decode(encoding).split())
        except (UnicodeDecodeError, LookupError):
            continue
    return ""


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
