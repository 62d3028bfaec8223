"""Receiving a batch end to end: accepted, returned, check-only — always all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from lantai.archive.models import Component, Item, TransferBatch
from lantai.audit.models import AuditEvent
from lantai.ingest.batch import IngestError, ingest
from lantai.search.models import SearchOutbox
from lantai.search.service import search_for
from tests.ingest.builders import row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def stored_files() -> list[Path]:
    return [
        p for p in Path(settings.STORAGE_DIR).rglob("*") if p.is_file() and p.name != "ingest.lock"
    ]


def test_accepted_batch_creates_items_components_aips_and_is_searchable(
    make_folder, fonds, archivist
):
    report = ingest(make_folder(), fonds_code="J001", agency="区政府办公室")
    assert report.status == "accepted"
    assert [r["ref_code"] for r in report.records] == [
        f"J001-WS·2020-Y-BGS-000{n}" for n in (1, 2, 3)
    ]
    assert report.records[0]["files"] == ["0001.pdf"]
    assert Item.objects.count() == 3
    batch = TransferBatch.objects.get(code=report.batch)
    assert batch.state == "accepted" and batch.agency == "区政府办公室"
    component = Component.objects.filter(role="master").first()
    stored = Path(settings.STORAGE_DIR) / component.stored_path
    assert stored.is_file() and len(component.sm3) == 64
    assert (stored.parents[2] / "manifest-sm3.txt").is_file()
    assert AuditEvent.objects.filter(action="ingest").count() == 3
    assert search_for(archivist, "第2项工作").total == 1


def test_every_check_is_reported_with_code_property_and_chinese_name(make_folder, fonds):
    report = ingest(make_folder(), fonds_code="J001", check_only=True)
    codes = {check["code"] for check in report.checks}
    assert {"1-7", "2-1", "3-3", "4-2"} <= codes
    clamav = next(c for c in report.checks if c["code"] == "4-2")
    assert clamav["passed"] is None  # no clamd here: "not performed", never "passed"
    assert all(
        check["property"] in {"真实性", "完整性", "可用性", "安全性"} for check in report.checks
    )


def test_failed_check_returns_batch_and_changes_no_holdings(make_folder, fonds):
    folder = make_folder(rows=[row(1), row(2, 档号="J001-WS·20-Y-BGS-0002")])
    events_before = AuditEvent.objects.count()
    report = ingest(folder, fonds_code="J001")
    assert report.status == "returned"
    failed = [c for c in report.checks if c["passed"] is False]
    assert any("年度" in c["detail"] and "第 3 行" in c["detail"] for c in failed)
    assert Item.objects.count() == 0
    assert Component.objects.count() == 0
    assert SearchOutbox.objects.count() == 0
    assert stored_files() == []
    assert TransferBatch.objects.get(code=report.batch).state == "returned"
    assert AuditEvent.objects.count() == events_before + 2  # the batch row and the 退回


def test_check_only_changes_nothing(make_folder, fonds):
    events_before = AuditEvent.objects.count()
    report = ingest(make_folder(), fonds_code="J001", check_only=True)
    assert report.status == "checked"
    assert (Item.objects.count(), TransferBatch.objects.count()) == (0, 0)
    assert AuditEvent.objects.count() == events_before
    assert stored_files() == []


def test_duplicate_of_held_record_is_returned(make_folder, fonds):
    folder = make_folder()
    assert ingest(folder, fonds_code="J001").status == "accepted"
    (folder / "说明文件.txt").write_text("移交单位：测试局\n", encoding="utf-8")  # new identity
    again = ingest(folder, fonds_code="J001")
    assert again.status == "returned"
    assert Item.objects.count() == 3


def test_unknown_fonds_is_refused_with_advice(make_folder, db):
    with pytest.raises(IngestError, match="lantai fonds add J001"):
        ingest(make_folder(), fonds_code="J001")


def test_missing_path_is_refused(tmp_path, fonds):
    with pytest.raises(IngestError, match="不存在"):
        ingest(tmp_path / "nope", fonds_code="J001")


def test_rows_without_refcode_get_allocated_numbers(make_folder, fonds):
    rows = [row(n, 档号="") | {"门类": "WS", "机构问题": "BGS"} for n in (1, 2)]
    report = ingest(make_folder(rows=rows), fonds_code="J001")
    assert report.status == "accepted", [c for c in report.checks if c["passed"] is False]
    assert sorted(r["ref_code"] for r in report.records) == [
        "J001-WS·2020-Y-BGS-0001",
        "J001-WS·2020-Y-BGS-0002",
    ]


def test_batch_larger_than_a_chunk_is_numbered_contiguously(make_folder, fonds, monkeypatch):
    monkeypatch.setattr("lantai.ingest.batch.CHUNK", 2)
    rows = [row(n, 档号="") | {"门类": "WS", "机构问题": "BGS"} for n in range(1, 6)]
    report = ingest(make_folder(rows=rows), fonds_code="J001")
    assert report.status == "accepted"
    assert sorted(r["ref_code"] for r in report.records) == [
        f"J001-WS·2020-Y-BGS-000{n}" for n in range(1, 6)
    ]
    assert Component.objects.filter(role="master").count() == 5
    assert SearchOutbox.objects.count() == 0  # applied after commit
    assert AuditEvent.objects.filter(action="ingest").count() == 5


def test_failure_in_a_later_chunk_leaves_nothing(make_folder, fonds, monkeypatch):
    monkeypatch.setattr("lantai.ingest.batch.CHUNK", 2)
    calls = {"n": 0}
    from lantai.ingest import records

    real = records.build_components

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr("lantai.ingest.batch.build_components", failing)
    with pytest.raises(OSError):
        ingest(make_folder(rows=[row(n) for n in range(1, 6)]), fonds_code="J001")
    assert (Item.objects.count(), Component.objects.count()) == (0, 0)
    assert stored_files() == []
