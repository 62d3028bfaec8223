"""WARC web captures (lantai.ingest.sources.warc): each HTML page is one WY item."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.sources import open_submission

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>兰台区政府 通知公告</title>"
    "<script>track()</script></head><body><p>关于开展档案工作的通知</p></body></html>"
).encode()


def response(writer: WARCWriter, url: str, body: bytes, content_type: str, status="200 OK"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers
    )
    record.rec_headers.replace_header("WARC-Date", "2024-01-26T08:00:00Z")
    writer.write_record(record)


def make_warc(path: Path, *, gzip: bool = True) -> Path:
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        response(
            writer, "http://www.example.gov.cn/tzgg/通知.html", PAGE, "text/html; charset=utf-8"
        )
        response(writer, "http://www.example.gov.cn/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
        response(writer, "http://www.example.gov.cn/missing", b"gone", "text/html", "404 Not Found")
    return path


def test_each_html_response_becomes_a_web_item_with_url_and_capture_date(tmp_path):
    with open_submission(make_warc(tmp_path / "site.warc.gz")) as submission:
        assert submission.kind == "warc" and not submission.problems
        [item] = submission.items
        assert item.fields["category"] == "WY"
        assert item.fields["url"] == "http://www.example.gov.cn/tzgg/通知.html"
        assert item.fields["capture_date"] == "2024-01-26T08:00:00Z"
        assert item.fields["title"] == "兰台区政府 通知公告"
        [file] = item.files
        assert file.name.endswith("通知.html") and file.path.read_bytes() == PAGE
        assert "sha1" in file.declared
        assert any("image/png" in w and "HTTP 404" in w for w in submission.warnings)


def test_web_item_passes_checks_and_its_script_is_reported_not_refused(tmp_path):
    context = CheckContext(clamd="/x", defaults={"fonds": "J001", "retention": "D30", "org": "BGS"})
    with open_submission(make_warc(tmp_path / "site.warc", gzip=False)) as submission:
        results = {r.code: r for r in run_checks(submission, context)}
    assert results["1-1"].passed is True  # WARC-Payload-Digest verified
    assert results["2-4"].passed is True and results["3-3"].passed is True
    assert results["4-9"].passed is True and "脚本" in results["4-9"].detail


def test_truncated_warc_is_reported_naming_the_file(tmp_path):
    path = make_warc(tmp_path / "site.warc", gzip=False)
    path.write_bytes(path.read_bytes()[:200])
    with open_submission(path) as submission:
        assert submission.problems and submission.problems[0].file == "site.warc"
        assert not submission.items
