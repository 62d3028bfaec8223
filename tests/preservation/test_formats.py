"""The format registry and ``lantai formats``: the holdings by format, office files marked for
conversion, anything else not in a preservation format listed as at risk; the registry is the
same list 3-3 accepts by default."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from lantai.archive.models import Component, Item, TransferBatch
from lantai.ingest.checks import DEFAULT_ALLOWED_FORMATS
from lantai.preservation import registry
from tests.factories import make_item

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(item, name: str, mime: str, puid: str = "", size: int = 100) -> Component:
    return Component.objects.create(
        item=item,
        original_name=name,
        stored_path=f"aip/B/{item.ref_code}/data/original/{name}",
        size=size,
        mime_type=mime,
        format_id=puid,
        sha256=f"{hash(name) & 0xFFFF:064x}",
    )


def _report() -> dict:
    out = io.StringIO()
    call_command("formats", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_3_3_accepts_exactly_the_registrys_preservation_formats():
    assert DEFAULT_ALLOWED_FORMATS == registry.PRESERVATION_FORMATS
    assert registry.standing("pdf") == "preservation"
    assert registry.standing("docx") == "convert" and registry.CONVERTED_FORMATS["ole"] == "PDF/A"
    assert registry.standing("png") == "at_risk" and registry.standing("unknown") == "at_risk"


def test_the_report_counts_the_holdings_by_format_and_lists_the_files_at_risk(fonds):
    report_item = make_item(fonds, title="工作报告")
    _file(report_item, "报告.pdf", "application/pdf", "fmt/276", size=1000)
    _file(report_item, "报告.docx", DOCX, "fmt/412", size=300)
    photo = make_item(fonds, title="合影")
    _file(photo, "合影.png", "image/png", "fmt/13", size=50)
    _file(photo, "说明.bin", "application/octet-stream")
    report = _report()
    formats = {row["format"]: row for row in report["formats"]}
    assert formats["pdf"]["standing"] == "preservation" and formats["pdf"]["bytes"] == 1000
    assert formats["pdf"]["puids"] == ["fmt/276"]
    assert formats["docx"]["standing"] == "convert" and formats["docx"]["convert_to"] == "PDF/A"
    assert formats["png"]["standing"] == "at_risk"
    assert formats["unknown"]["standing"] == "at_risk"
    assert report["files"] == 4 and report["at_risk_total"] == 3
    listed = {(e["ref_code"], e["file"]) for e in report["at_risk"]}
    assert (photo.ref_code, "合影.png") in listed and (report_item.ref_code, "报告.docx") in listed
    assert (report_item.ref_code, "报告.pdf") not in listed


def test_a_voided_batchs_files_are_not_holdings(fonds):
    batch = TransferBatch.objects.create(fonds=fonds, code="J001-B9", state="voided")
    wrong = make_item(fonds, title="误收")
    Item.objects.filter(pk=wrong.pk).update(batch=batch)
    _file(wrong, "误收.exe", "application/vnd.microsoft.portable-executable")
    assert _report() == {"formats": [], "at_risk": [], "at_risk_total": 0, "files": 0}


def test_the_text_report_names_each_standing(fonds):
    _file(make_item(fonds), "纪要.docx", DOCX, "fmt/412")
    out = io.StringIO()
    call_command("formats", stdout=out)
    text = out.getvalue()
    assert "待转换为长期保存格式，转换为 PDF/A" in text and "纪要.docx" in text
