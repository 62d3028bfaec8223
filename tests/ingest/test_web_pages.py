"""Real-world Chinese web pages are HTML: damaged characters and fragments are not refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from lantai.archive.models import Component
from lantai.ingest.batch import ingest
from lantai.ingest.checks import CheckContext, accepted, run_checks
from lantai.ingest.sources import open_submission
from lantai.sip.formats import identify
from tests.ingest.builders import require_shared_data, row

NO_CLAMD = CheckContext(clamd="/nonexistent/clamd.ctl")
FRAGMENT = '<div class="article"><p>区教育局关于春季开学工作的通知。</p></div>\n'.encode()


def gb2312_page_cut_in_its_title() -> bytes:
    """A real news page (gne/163) saved as GB2312, its title cut in the middle of a character
    as servers do when they truncate titles to a byte length."""
    page = require_shared_data("gne/pages/163/1.html").read_text("utf-8")
    page = re.sub(r"charset=[\"']?utf-8", "charset=gb2312", page, flags=re.IGNORECASE)
    data = page.encode("gb18030", errors="replace")
    cut = data.index(b"</title>") - 1
    assert data[cut] >= 0x80  # the last title byte belongs to a two-byte character
    return data[:cut] + data[cut + 1 :]


def page_folder(make_folder, name: str, data: bytes) -> Path:
    return make_folder([row(1, 文件名=name)], {name: data}, name=name.split(".")[0])


def results_for(root: Path) -> dict[str, object]:
    return {r.code: r for r in run_checks(open_submission(root), NO_CLAMD)}


def test_a_gb2312_page_with_a_truncated_character_is_html_not_unknown(make_folder):
    results = results_for(page_folder(make_folder, "网页.html", gb2312_page_cut_in_its_title()))
    assert results["3-3"].passed is True, results["3-3"].detail
    assert "HTML（PRONOM fmt/96）" in results["3-3"].detail
    assert accepted(results.values())


def test_the_damaged_character_is_a_usability_warning_not_a_failure(make_folder):
    results = results_for(page_folder(make_folder, "网页.html", gb2312_page_cut_in_its_title()))
    assert results["3-4"].passed is True
    assert "警告" in results["3-4"].detail and "网页.html" in results["3-4"].detail
    assert "1 处字符无法解码" in results["3-4"].detail


def test_an_html_fragment_starting_with_div_is_html(tmp_path):
    path = tmp_path / "片段.htm"
    path.write_bytes(FRAGMENT)
    found = identify(path)
    assert (found.key, found.mime) == ("html", "text/html")


def test_a_fragment_siegfried_cannot_name_gets_the_generic_html_puid_marked_as_ours(tmp_path):
    path = tmp_path / "片段.htm"
    path.write_bytes(FRAGMENT)
    found = identify(path)
    assert (found.puid, found.puid_basis) == ("fmt/96", "lantai")


@pytest.mark.parametrize("answer", [None, "UNKNOWN"])
def test_siegfried_finding_nothing_leaves_the_puid_empty_not_none(tmp_path, monkeypatch, answer):
    import pygfried

    monkeypatch.setattr(pygfried, "identify", lambda path: answer)
    path = tmp_path / "data.bin"
    path.write_bytes(b"\x01\x02\x03 not a known format \xfe\xfd" * 10)
    assert identify(path).puid == ""


@pytest.mark.django_db(transaction=True)
def test_the_puid_is_stored_on_the_component_and_in_the_aip_metadata(make_folder, fonds, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"
    report = ingest(page_folder(make_folder, "片段.html", FRAGMENT), fonds_code="J001")
    assert report.status == "accepted", [c for c in report.checks if c["passed"] is False]
    master = Component.objects.get(role="master")
    assert master.format_id == "fmt/96" and master.mime_type == "text/html"
    [metadata] = Path(settings.STORAGE_DIR).rglob("metadata.json")
    [stored] = json.loads(metadata.read_text("utf-8"))["files"][:1]
    assert (stored["puid"], stored["puid_basis"]) == ("fmt/96", "lantai")


@pytest.mark.django_db(transaction=True)
def test_the_damage_warning_is_in_the_reports_warnings(make_folder, fonds):
    folder = page_folder(make_folder, "网页.html", gb2312_page_cut_in_its_title())
    report = ingest(folder, fonds_code="J001", check_only=True)
    assert report.would_accept
    assert any(w.startswith("3-4 警告：") and "网页.html" in w for w in report.warnings)


def test_where_lantais_rules_name_nothing_the_puid_decides_the_format(tmp_path, monkeypatch):
    import pygfried

    path = tmp_path / "page.html"
    path.write_bytes(b"\x01\x02 markup our rules cannot read \xfe\xfd" * 20)
    monkeypatch.setattr(pygfried, "identify", lambda p: "fmt/96")
    found = identify(path)
    assert (found.key, found.puid, found.puid_basis) == ("html", "fmt/96", "siegfried")
