"""Strict BagIt validation (lantai.preservation.bagcheck) and the bag source, on the LoC suite."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from lantai.ingest.checks import CheckContext, accepted, run_checks
from lantai.ingest.sources import open_submission
from lantai.preservation.bagcheck import validate_bag
from tests.ingest.builders import SHARED_DATA, require_shared_data

SUITE = SHARED_DATA / "bagit-conformance"


def conformance_cases() -> list[tuple[str, str, Path]]:
    if not (SUITE / "expected.tsv").is_file():
        return []
    with open(SUITE / "expected.tsv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    return [
        (r["category"], r["expected"], SUITE / "suite" / r["version"] / r["category"] / r["bag"])
        for r in rows
    ]


CASES = conformance_cases()
IDS = [f"{p.parent.parent.name}/{c}/{p.name}" for c, _, p in CASES]
skip_without_suite = pytest.mark.skipif(
    not CASES and os.environ.get("CI") != "true",
    reason=f"BagIt 一致性测试集不存在（{SUITE}）：需要 ../shared/data/bagit-conformance",
)


def test_the_conformance_suite_is_present_in_ci():
    """Under ``CI=true`` a missing suite fails here instead of skipping every case above."""
    require_shared_data("bagit-conformance/expected.tsv")


@skip_without_suite
@pytest.mark.parametrize(("category", "expected", "bag"), CASES, ids=IDS)
def test_bagit_conformance_suite_gets_expected_outcome(category, expected, bag):
    report = validate_bag(bag, workers=2)
    if category == "valid":
        assert report.errors == []
    elif category == "warning":
        assert report.errors == [] and report.warnings
    else:  # invalid, linux-only and (stricter than required) windows-only paths are refused
        assert report.errors


@skip_without_suite
@pytest.mark.parametrize(
    ("category", "expected", "bag"),
    [c for c in CASES if c[0] not in ("valid", "warning")],
    ids=[i for i, c in zip(IDS, CASES, strict=True) if c[0] not in ("valid", "warning")],
)
def test_bagit_conformance_suite_accepts_no_invalid_bag(category, expected, bag):
    submission = open_submission(bag)
    results = run_checks(submission, CheckContext(clamd="/nonexistent", workers=2))
    assert not accepted(results)


@skip_without_suite
def test_bag_with_space_before_colon_in_bagit_txt_is_refused_unlike_loc_bagit():
    report = validate_bag(SUITE / "suite/v1.0/invalid/bagit-with-invalid-whitespace")
    assert any("冒号前不得有空格" in e for e in report.errors)


@skip_without_suite
def test_valid_bag_is_read_as_one_item_with_manifest_digests():
    submission = open_submission(SUITE / "suite/v1.0/valid/basicBag")
    assert submission.kind == "bagit" and not submission.problems
    [item] = submission.items
    [file] = item.files
    assert file.name == "hello.txt" and "sha512" in file.declared
    assert file.computed["sha512"] == file.declared["sha512"]


def make_bag(root: Path, files: dict[str, bytes], info: str = "") -> Path:
    import hashlib

    (root / "data").mkdir(parents=True)
    lines = []
    for name, data in files.items():
        (root / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "data" / name).write_bytes(data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  data/{name}\n")
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    (root / "manifest-sha256.txt").write_text("".join(lines), encoding="utf-8")
    (root / "bag-info.txt").write_text(info, encoding="utf-8")
    return root


def test_bag_info_carries_catalogue_fields_of_the_single_item(tmp_path):
    info = (
        "题名: 年度工作总结\n责任者: 办公室\nDate: 2021-12-30\n"
        "External-Identifier: J001-WS·2021-Y-BGS-0001\n"
    )
    submission = open_submission(make_bag(tmp_path / "bag", {"总结.txt": "内容".encode()}, info))
    [item] = submission.items
    assert item.ref_code == "J001-WS·2021-Y-BGS-0001"
    assert item.fields == {"title": "年度工作总结", "creator": "办公室", "date": "2021-12-30"}
    assert item.files[0].name == "总结.txt"


def test_bag_with_catalogue_in_payload_is_read_as_a_folder(tmp_path):
    catalogue = "题名,责任者,日期,保管期限,文件名\n通知,办公室,2020-01-02,永久,a.txt\n"
    bag = make_bag(tmp_path / "bag", {"a.txt": b"hello", "目录.csv": catalogue.encode()})
    submission = open_submission(bag)
    assert submission.kind == "bagit" and not submission.problems
    [item] = submission.items
    assert item.row == 2 and item.files[0].declared["sha256"]


def test_bag_with_unlisted_payload_file_is_returned(tmp_path):
    bag = make_bag(tmp_path / "bag", {"a.txt": b"a"})
    (bag / "data" / "extra.txt").write_bytes(b"x")
    submission = open_submission(bag)
    assert any(p.code == "2-11" and "extra.txt" in p.message for p in submission.problems)
