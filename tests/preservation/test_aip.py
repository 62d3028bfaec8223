"""AIP writer (lantai.preservation.aip): one BagIt bag per item, atomic, with SHA-256 + SM3."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.sources import open_submission
from lantai.ingest.sources.bagit import validate_bag
from lantai.preservation import aip, premis
from lantai.preservation.fixity import manifest_entries, verify
from lantai.sip.submission import SubmittedFile, SubmittedItem
from tests.ingest.builders import pdf_bytes


def item_with(tmp_path: Path, files: dict[str, bytes]) -> SubmittedItem:
    item = SubmittedItem(row=2, ref_code="J001-WS·2020-Y-BGS-0001", fields={"title": "通知"})
    for name, data in files.items():
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        item.files.append(SubmittedFile(path, name, len(data)))
    return item


def test_aip_is_a_bag_with_original_names_digests_and_metadata(tmp_path):
    data = pdf_bytes()
    item = item_with(tmp_path, {"关于工作的通知.pdf": data, "附件/附件 1.pdf": data + b"1"})
    target = tmp_path / "store" / "J001-WS·2020-Y-BGS-0001"
    result = aip.write_aip(
        target, item, identifier=item.ref_code, texts={"关于工作的通知.pdf": "正文"}
    )
    original = result.originals[0]
    assert original.name == "关于工作的通知.pdf"
    assert original.sha256 == hashlib.sha256(data).hexdigest()
    assert original.sm3 == hashlib.new("sm3", data).hexdigest()
    assert (target / "data/original/关于工作的通知.pdf").read_bytes() == data
    assert (target / "data/text/关于工作的通知.pdf.txt").read_text("utf-8") == "正文"
    for name in (
        "manifest-sha256.txt",
        "manifest-sm3.txt",
        "tagmanifest-sha256.txt",
        "bag-info.txt",
        "bagit.txt",
    ):
        assert (target / name).is_file()
    metadata = json.loads((target / "data/metadata.json").read_text("utf-8"))
    assert metadata["format"] == "lantai-aip/1"
    assert metadata["object"]["identifier"]["value"] == item.ref_code
    assert metadata["events"][-1]["eventType"] == "message digest calculation"
    assert "Payload-Oxum" in (target / "bag-info.txt").read_text("utf-8")


def test_aip_validates_as_a_strict_bagit_bag_and_passes_fixity(tmp_path):
    item = item_with(tmp_path, {"a%b\u00e9.pdf": pdf_bytes()})
    target = tmp_path / "bag"
    aip.write_aip(target, item, identifier="J001-WS·2020-Y-BGS-0001")
    report = validate_bag(target)
    assert report.errors == [] and report.warnings == []
    assert all(r.ok for r in verify(manifest_entries(target)))


def test_aip_is_never_overwritten(tmp_path):
    item = item_with(tmp_path, {"a.pdf": pdf_bytes()})
    target = tmp_path / "bag"
    aip.write_aip(target, item, identifier="x")
    with pytest.raises(FileExistsError):
        aip.write_aip(target, item, identifier="x")


def test_file_changed_after_checks_aborts_and_leaves_nothing(tmp_path):
    item = item_with(tmp_path, {"a.pdf": pdf_bytes()})
    item.files[0].computed = {"sha256": "0" * 64}
    target = tmp_path / "store" / "bag"
    with pytest.raises(aip.AipError, match=r"a\.pdf"):
        aip.write_aip(target, item, identifier="x")
    assert not target.exists()
    assert os.listdir(target.parent) == []


def test_failure_while_writing_leaves_no_partial_bag(tmp_path, monkeypatch):
    item = item_with(tmp_path, {"a.pdf": pdf_bytes()})
    monkeypatch.setattr(aip, "_write_tags", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        aip.write_aip(tmp_path / "store" / "bag", item, identifier="x")
    assert os.listdir(tmp_path / "store") == []


def test_checked_folder_item_is_stored_with_the_checked_digests(make_folder, tmp_path):
    submission = open_submission(make_folder())
    run_checks(submission, CheckContext(clamd="/x"))
    item = submission.items[0]
    result = aip.write_aip(tmp_path / "bag", item, identifier=item.ref_code)
    assert result.originals[0].sm3 == item.files[0].computed["sm3"]


def test_leftover_temp_directories_are_removed(tmp_path):
    (tmp_path / (aip.TMP_PREFIX + "x")).mkdir()
    assert len(aip.remove_partial(tmp_path)) == 1


def test_stored_aips_are_reverified_and_a_changed_file_is_named(tmp_path):
    from lantai.preservation.fixity import verify_bags

    bags = []
    for n in range(3):
        item = item_with(tmp_path / str(n), {f"{n}.pdf": pdf_bytes()})
        bags.append(aip.write_aip(tmp_path / "store" / str(n), item, identifier=str(n)).path)
    damaged = bags[1] / "data/original/1.pdf"
    damaged.chmod(0o644)
    damaged.write_bytes(b"changed")
    results = list(verify_bags(bags, workers=2))
    assert len(results) == 6  # an original and metadata.json per bag
    [bad] = [r for r in results if not r.ok]
    assert bad.path == damaged and set(bad.mismatched) == {"sha256", "sm3"}


def test_check_results_become_premis_events_with_not_performed_kept():
    from lantai.ingest.checks import make

    events = premis.check_events([make("4-2", None, "未执行：未检测到 ClamAV (clamd)")])
    assert events[0]["eventOutcome"] == "not performed" and "4-2" in events[0]["eventDetail"]


def test_batch_commit_puts_every_bag_in_place_read_only(tmp_path):
    with aip.AipBatch() as batch:
        for n in range(3):
            item = item_with(tmp_path / str(n), {f"{n}.pdf": pdf_bytes()})
            batch.write(tmp_path / "store" / str(n), item, identifier=str(n))
        assert sorted(os.listdir(tmp_path / "store"))[0].startswith(aip.TMP_PREFIX)
        batch.commit()
    assert sorted(os.listdir(tmp_path / "store")) == ["0", "1", "2"]
    stored = tmp_path / "store" / "1" / "data/original/1.pdf"
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0
    assert oct(stored.stat().st_mode & 0o777) == "0o444"
    assert validate_bag(tmp_path / "store" / "1").errors == []


def test_batch_failure_leaves_no_files_behind(tmp_path):
    with pytest.raises(RuntimeError), aip.AipBatch() as batch:
        batch.write(
            tmp_path / "store" / "a", item_with(tmp_path, {"a.pdf": pdf_bytes()}), identifier="a"
        )
        raise RuntimeError("database failed")
    assert os.listdir(tmp_path / "store") == []
