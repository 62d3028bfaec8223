"""数字化挂接: scans named by 档号 are attached to the fonds' registered records in one batch,
all-or-nothing; a file that names no record of the fonds, a second file for one page, a record
that already has files or a format that is not archival returns the run and changes nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from lantai.archive.models import Component, Item, TransferBatch
from lantai.audit.models import AuditEvent
from lantai.ingest.attach import run
from lantai.ingest.attach.run import attach
from tests.factories import make_item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def scan(colour=(240, 240, 230), dpi=300, fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 420), colour).save(buffer, fmt, dpi=(dpi, dpi))
    return buffer.getvalue()


def folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = tmp_path / "扫描件"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


@pytest.fixture
def paper(fonds):
    """Two registered paper records of J001 without files, the first with 3 pages catalogued."""
    return make_item(fonds, title="一九九〇年职工名册", pages=3), make_item(fonds, title="会议记录")


def _stored_files(settings) -> list[Path]:
    """Files received into the store (the records' description-only packages under
    ``versions/`` are not scans)."""
    root = Path(settings.STORAGE_DIR)
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and p.name != "ingest.lock" and "versions" not in p.relative_to(root).parts
    ]


def test_scans_named_by_refcode_are_attached_in_page_order(tmp_path, paper, settings, monkeypatch):
    first, second = paper
    queued: list[int] = []
    enqueue = run.outbox.enqueue
    monkeypatch.setattr(
        run.outbox, "enqueue", lambda ids, hides: (queued.extend(ids), enqueue(ids, hides=hides))
    )
    dotted = first.ref_code.replace("·", ".")
    root = folder(
        tmp_path,
        {
            f"{dotted}_2.jpg": scan((10, 10, 10)),
            f"{dotted}_10.jpg": scan((30, 30, 30)),
            f"{dotted}_1.jpg": scan((20, 20, 20)),
            f"{second.ref_code}/0001.jpg": scan(),
            "Thumbs.db": b"litter",
        },
    )
    report = attach(root, fonds_code="J001")
    assert report.status == "accepted", report.checks
    batch = TransferBatch.objects.get(code=report.batch)
    assert (batch.state, batch.source_kind, batch.item_count, batch.file_count) == (
        "accepted",
        "attach",
        2,
        4,
    )
    names = list(
        Component.objects.filter(item=first, role="master")
        .order_by("id")
        .values_list("original_name", flat=True)
    )
    assert names == [f"{dotted}_1.jpg", f"{dotted}_2.jpg", f"{dotted}_10.jpg"]
    assert all(c.batch_id == batch.pk for c in Component.objects.filter(item=first))
    for component in Component.objects.all():
        assert (Path(settings.STORAGE_DIR) / component.stored_path).is_file()
    assert Item.objects.get(pk=second.pk).pages == 1  # an empty 页数 is filled
    assert Item.objects.get(pk=first.pk).pages == 3
    assert sorted(queued) == sorted([first.pk, second.pk])  # both re-indexed
    assert AuditEvent.objects.filter(action="attach").count() == 2
    assert AuditEvent.objects.get(action="attach_accepted").detail == {"records": 2, "files": 4}
    assert any("Thumbs.db" in warning for warning in report.warnings)


def test_a_file_naming_no_record_of_the_fonds_returns_the_run_and_changes_nothing(
    tmp_path, paper, other_fonds, settings
):
    first, _ = paper
    elsewhere = make_item(other_fonds, title="他全宗的档案")
    root = folder(
        tmp_path,
        {
            f"{first.ref_code}.jpg": scan(),
            "J001-WS·2020-Y-BGS-0099.jpg": scan(),
            f"{elsewhere.ref_code}.jpg": scan(),
            "扫描001.jpg": scan(),
        },
    )
    report = attach(root, fonds_code="J001")
    assert report.status == "returned"
    detail = next(c["detail"] for c in report.checks if c["code"] == "1-11")
    assert "没有档号为 J001-WS·2020-Y-BGS-0099 的档案" in detail
    assert f"没有档号为 {elsewhere.ref_code} 的档案" in detail
    assert "「扫描001.jpg」的名称中没有可识别的档号" in detail
    assert not Component.objects.exists() and _stored_files(settings) == []
    batch = TransferBatch.objects.get(code=report.batch)
    assert (batch.state, batch.source_kind) == ("returned", "attach")


def test_two_files_for_one_page_are_refused_naming_both(tmp_path, paper):
    first, _ = paper
    root = folder(
        tmp_path,
        {f"{first.ref_code}_1.jpg": scan(), f"{first.ref_code}/1.jpg": scan((1, 2, 3))},
    )
    report = attach(root, fonds_code="J001")
    detail = next(c["detail"] for c in report.checks if c["code"] == "1-11")
    assert report.status == "returned" and "第 1 页有两个文件" in detail


def test_a_record_with_files_takes_more_only_when_appending(tmp_path, paper):
    first, _ = paper
    attach(folder(tmp_path, {f"{first.ref_code}_1.jpg": scan()}), fonds_code="J001")
    again = folder(tmp_path / "补扫", {f"{first.ref_code}_2.jpg": scan((5, 5, 5))})
    refused = attach(again, fonds_code="J001")
    detail = next(c["detail"] for c in refused.checks if c["code"] == "1-11")
    assert refused.status == "returned" and "已挂接 1 个电子文件" in detail and "--append" in detail
    assert attach(again, fonds_code="J001", append=True).status == "accepted"
    assert Component.objects.filter(item=first, role="master").count() == 2


def test_the_same_scan_twice_in_the_fonds_is_a_duplicate(tmp_path, paper):
    first, second = paper
    attach(folder(tmp_path, {f"{first.ref_code}.jpg": scan()}), fonds_code="J001")
    report = attach(folder(tmp_path / "b", {f"{second.ref_code}.jpg": scan()}), fonds_code="J001")
    detail = next(c["detail"] for c in report.checks if c["code"] == "1-8")
    assert report.status == "returned" and first.ref_code in detail


def test_a_png_is_not_an_archival_scan_format(tmp_path, paper):
    first, _ = paper
    report = attach(folder(tmp_path, {f"{first.ref_code}.png": scan(fmt="PNG")}), fonds_code="J001")
    assert report.status == "returned"
    assert next(c for c in report.checks if c["code"] == "3-3")["passed"] is False


def test_check_only_registers_nothing(tmp_path, paper):
    first, _ = paper
    report = attach(
        folder(tmp_path, {f"{first.ref_code}.jpg": scan()}), fonds_code="J001", check_only=True
    )
    assert (report.status, report.batch) == ("checked", None)
    assert not TransferBatch.objects.exists() and not Component.objects.exists()


def test_page_count_and_resolution_are_checked_as_warnings(tmp_path, paper):
    first, _ = paper
    report = attach(
        folder(
            tmp_path, {f"{first.ref_code}_1.jpg": scan(dpi=150), f"{first.ref_code}_2.jpg": scan()}
        ),
        fonds_code="J001",
    )
    assert report.status == "accepted"
    assert any("著录页数为 3，本次挂接 2 页" in w for w in report.warnings)
    assert any("150 dpi，低于 DA/T 31 要求的 200 dpi" in w for w in report.warnings)
    assert Item.objects.get(pk=first.pk).pages == 3  # never changed silently


def test_a_former_refcode_finds_the_renumbered_record(tmp_path, paper, archivist):
    from lantai.describing import renumber

    first, _ = paper
    old = first.ref_code
    wanted = {**renumber.current_parts(first), "year": "1991"}
    new = renumber.apply(archivist, first.pk, wanted, "年度著录错误", old)
    report = attach(folder(tmp_path, {f"{old}.jpg": scan()}), fonds_code="J001")
    assert report.status == "accepted", report.checks
    assert Component.objects.get(role="master").item_id == first.pk
    assert any(f"已改为 {new}" in w for w in report.warnings)


def test_a_zip_of_scans_is_attached_and_an_unsafe_one_is_refused(tmp_path, paper):
    first, _ = paper
    good, bad = tmp_path / "scans.zip", tmp_path / "bad.zip"
    with zipfile.ZipFile(good, "w") as archive:
        archive.writestr(f"成果/{first.ref_code}_1.jpg", scan())
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr(f"../{first.ref_code}_1.jpg", scan())
    refused = attach(bad, fonds_code="J001")
    assert refused.status == "returned" and not Component.objects.exists()
    assert attach(good, fonds_code="J001").status == "accepted"


def test_a_failure_while_registering_leaves_no_file_and_no_batch(
    tmp_path, paper, monkeypatch, settings
):
    first, _ = paper

    def fail(*args):
        raise RuntimeError("数据库写入失败")

    monkeypatch.setattr(run, "_commit", fail)
    with pytest.raises(RuntimeError):
        attach(folder(tmp_path, {f"{first.ref_code}.jpg": scan()}), fonds_code="J001")
    assert not TransferBatch.objects.exists() and not Component.objects.exists()
    assert _stored_files(settings) == []


def test_the_command_prints_one_json_document_and_fails_on_return(tmp_path, paper, capsys):
    first, _ = paper
    root = folder(tmp_path, {f"{first.ref_code}.jpg": scan()})
    call_command("attach", str(root), "--fonds", "J001", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "accepted" and report["records"][0]["ref_code"] == first.ref_code
    with pytest.raises(SystemExit) as exit_:
        call_command("attach", str(root), "--fonds", "J001", "--json")  # already has files
    assert exit_.value.code == 1
