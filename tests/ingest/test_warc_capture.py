"""A WARC is kept whole in the AIPs (every record, for replay); a page's 责任者 is its own."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lantai.archive.models import Component, Item
from lantai.ingest.batch import ingest
from lantai.ingest.sources import open_submission
from tests.ingest.builders import require_shared_data

pytestmark = pytest.mark.django_db(transaction=True)
DEFAULTS = {"retention": "D30", "org": "BGS"}
SITE = "http://www.example.gov.cn"


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def page(title: str, body: str, head: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><img src='/logo.png'><p>{body}</p></body></html>"
    ).encode()


def write(writer: WARCWriter, url: str, kind: str, body: bytes, content_type: str = "") -> str:
    http = None
    if kind == "response":
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    elif kind == "request":
        http = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "www.example.gov.cn")], is_http_request=True
        )
    record = writer.create_warc_record(
        url,
        kind,
        payload=io.BytesIO(body),
        http_headers=http,
        warc_content_type=content_type if kind in ("resource", "metadata") else None,
    )
    writer.write_record(record)
    return record.rec_headers.get_header("WARC-Record-ID")


def capture(path: Path, pages: dict[str, bytes], *, gzip: bool = True) -> Path:
    """A crawl as Heritrix/wget write it: warcinfo, then per page request, response and a
    metadata record, the page's image, plus one record no page claims (a 404)."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, html in pages.items():
            write(writer, url, "request", b"")
            write(writer, url, "response", html, "text/html; charset=utf-8")
            write(writer, url, "metadata", b"outlink: /logo.png\n", "application/warc-fields")
        write(writer, f"{SITE}/logo.png", "response", b"\x89PNG\r\n\x1a\n", "image/png")
        headers = StatusAndHeaders(
            "404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                f"{SITE}/gone", "response", payload=io.BytesIO(b"gone"), http_headers=headers
            )
        )
    return path


def record_ids(path: Path) -> list[str]:
    with open(path, "rb") as stream:
        return [r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(stream)]


@pytest.mark.parametrize("name", ["site.warc.gz", "site.warc"])
def test_a_one_page_warc_is_stored_whole_byte_for_byte(fonds, tmp_path, name):
    pages = {f"{SITE}/a.html": page("通知", "正文")}
    warc = capture(tmp_path / name, pages, gzip=name.endswith(".gz"))
    report = ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    assert report.status == "accepted", [c for c in report.checks if c["passed"] is False]
    [stored] = Path(settings.STORAGE_DIR).rglob("data/capture/*.warc*")
    assert stored.read_bytes() == warc.read_bytes()


@pytest.mark.parametrize("name", ["site.warc.gz", "site.warc"])
def test_every_record_of_a_crawl_is_kept_in_the_aips(fonds, tmp_path, name):
    pages = {f"{SITE}/a.html": page("通知一", "正文一"), f"{SITE}/b.html": page("通知二", "正文二")}
    warc = capture(tmp_path / name, pages, gzip=name.endswith(".gz"))
    assert ingest(warc, fonds_code="J001", defaults=DEFAULTS).status == "accepted"
    stored = sorted(Path(settings.STORAGE_DIR).rglob("data/capture/*.warc*"))
    kept = [set(record_ids(p)) for p in stored]
    assert len(kept) == 2 and set().union(*kept) == set(record_ids(warc))


def test_a_pages_capture_holds_its_request_metadata_and_embedded_image(tmp_path):
    pages = {f"{SITE}/a.html": page("通知一", "正文一"), f"{SITE}/b.html": page("通知二", "正文二")}
    with open_submission(capture(tmp_path / "site.warc.gz", pages)) as submission:
        second = submission.items[1]
        [warc] = second.captures
        with open(warc.path, "rb") as stream:
            kinds = [
                (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
                for r in ArchiveIterator(stream)
            ]
    assert ("request", f"{SITE}/b.html") in kinds and ("metadata", f"{SITE}/b.html") in kinds
    assert ("response", f"{SITE}/logo.png") in kinds and ("warcinfo", None) in kinds
    assert ("response", f"{SITE}/a.html") not in kinds


def test_the_capture_is_not_offered_as_a_file_of_the_item(fonds, tmp_path):
    warc = capture(tmp_path / "site.warc.gz", {f"{SITE}/a.html": page("通知", "正文")})
    ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    names = list(Component.objects.values_list("original_name", flat=True))
    assert names and not any(n.endswith(".warc.gz") for n in names)


def test_the_creator_comes_from_the_pages_meta_author_not_the_host(fonds, tmp_path):
    html = page("通知", "正文", "<meta name='author' content='兰台区人民政府办公室'>")
    warc = capture(tmp_path / "site.warc.gz", {f"{SITE}/a.html": html})
    ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    assert Item.objects.get().creator == "兰台区人民政府办公室"


def test_without_meta_the_creator_comes_from_the_extracted_source(fonds, tmp_path):
    body = "本报讯 区教育局召开春季开学工作会议，部署有关工作。" * 5 + "来源：兰台日报"
    warc = capture(tmp_path / "site.warc.gz", {f"{SITE}/a.html": page("开学工作会议", body)})
    ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    assert Item.objects.get().creator == "兰台日报"


def test_a_real_news_page_keeps_its_publishers_name(fonds, tmp_path):
    html = require_shared_data(
        "gne/pages/163/1.html"
    ).read_bytes()  # <meta name="author" content="网易">
    warc = capture(tmp_path / "163.warc.gz", {"https://www.163.com/dy/article/1.html": html})
    report = ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    assert report.status == "accepted", [c for c in report.checks if c["passed"] is False]
    assert Item.objects.get().creator == "网易"


def test_one_page_served_at_two_addresses_is_kept_twice_not_refused(fonds, tmp_path):
    same = page("首页", "欢迎访问")
    warc = capture(tmp_path / "site.warc.gz", {f"{SITE}/": same, f"{SITE}/index.html": same})
    report = ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    assert report.status == "accepted"
    assert "不同网址" in next(c for c in report.checks if c["code"] == "1-8")["detail"]


def test_a_re_sent_warc_is_already_received(fonds, tmp_path):
    warc = capture(tmp_path / "site.warc.gz", {f"{SITE}/a.html": page("通知", "正文")})
    first = ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    again = ingest(warc, fonds_code="J001", defaults=DEFAULTS)
    assert again.already_received and again.batch == first.batch


def test_a_held_page_in_another_crawl_is_returned_at_1_8(fonds, tmp_path):
    held = page("通知", "正文")
    warc = capture(tmp_path / "site.warc.gz", {f"{SITE}/a.html": held})
    assert ingest(warc, fonds_code="J001", defaults=DEFAULTS).status == "accepted"
    pages = {f"{SITE}/a.html": held, f"{SITE}/b.html": page("公告", "另一篇")}
    again = ingest(capture(tmp_path / "later.warc.gz", pages), fonds_code="J001", defaults=DEFAULTS)
    assert again.status == "returned"
    detail = next(c for c in again.checks if c["code"] == "1-8")["detail"]
    assert "已在馆藏中" in detail and "J001-WY·" in detail
