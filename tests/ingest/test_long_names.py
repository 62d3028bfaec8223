"""A file name near the 255-byte limit is stored under names that fit; its original is kept."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from lantai.archive.models import Component
from lantai.ingest.batch import ingest
from lantai.preservation.names import NAME_MAX, storage_name, storage_path
from tests.ingest.builders import row
from tests.ingest.test_pdf_pages import text_pdf

LONG = "关于开展档案数字化工作的通知" * 6  # 84 characters
NAME = LONG[:83] + ".pdf"  # 253 bytes


def test_a_253_byte_chinese_file_name_ingests_and_keeps_its_original_name(make_folder, fonds):
    assert len(NAME.encode()) == 253
    folder = make_folder(
        rows=[row(1, 文件名=NAME)], files={NAME: text_pdf(["Notice on archive work, 2020"])}
    )
    report = ingest(folder, fonds_code="J001")
    assert report.status == "accepted", report.checks
    safety = next(c for c in report.checks if c["code"] == "4-8")
    assert safety["passed"] is True and "已缩短" in safety["detail"]
    master = Component.objects.get(role="master")
    assert master.original_name == NAME
    text = Component.objects.get(role="text")
    assert text.original_name == NAME + ".txt"
    stored = Path(settings.STORAGE_DIR) / text.stored_path
    assert stored.is_file() and len(stored.name.encode()) <= NAME_MAX
    assert "Notice on archive work" in stored.read_text(encoding="utf-8")
    metadata = json.loads((stored.parents[1] / "metadata.json").read_text(encoding="utf-8"))
    assert {f["name"] for f in metadata["files"]} >= {NAME, NAME + ".txt"}


def test_storage_names_fit_keep_the_extension_and_differ_for_different_long_names():
    a, b = storage_name(LONG * 2 + "甲.pdf", ".txt"), storage_name(LONG * 2 + "乙.pdf", ".txt")
    assert a != b and a.endswith(".pdf.txt") and "~" in a
    assert all(len(n.encode()) <= NAME_MAX for n in (a, b))
    a.encode().decode("utf-8")  # cut on a character boundary
    assert storage_name("通知.pdf", ".txt") == "通知.pdf.txt"
    assert storage_path("卷一/通知.pdf") == "卷一/通知.pdf"


def test_a_path_too_long_to_store_fails_4_8_with_a_rename_instruction(tmp_path):
    from lantai.ingest.checks import CheckContext
    from lantai.ingest.checks.security import package_safety
    from lantai.sip.submission import Submission, SubmittedFile, SubmittedItem

    path = tmp_path / "a.pdf"
    path.write_bytes(text_pdf(["x"]))
    deep = "/".join([LONG] * 15) + "/a.pdf"  # 15 folders of 252 bytes
    submission = Submission("folder", tmp_path)
    submission.items.append(SubmittedItem(None, None, {}, [SubmittedFile(path, deep, 1)]))
    outcome = package_safety(submission, CheckContext(clamd="/x"))
    assert outcome.passed is False and "缩短文件名" in outcome.detail
