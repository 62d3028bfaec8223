"""BagIt bags (RFC 8493, drafts 0.93–0.97), validated strictly by ``ingest.bagcheck``.

Mapping of a bag to items (documented decision):

- A bag whose payload has a catalogue at its top (``data/目录.csv`` or ``.xlsx``) is a
  directory package in a bag: ``data/`` is read exactly like a folder transfer (one item per
  catalogue row, names relative to ``data/``), and the manifests' digests become each file's
  declared digests, so 1-1 compares them.
- Any other bag is **one item**: every payload file is one of its files (names relative to
  ``data/``), and its metadata comes from ``bag-info.txt``: labels are matched like catalogue
  headers (``题名``/``Title``, ``责任者``, ``日期``, ``保管期限`` …), plus the BagIt labels
  ``External-Identifier`` → 档号, ``External-Description`` → 附注,
  ``Source-Organization`` → declared 移交单位, ``Payload-Oxum`` → declared bytes and files.

Validation errors become :class:`Problem` s (the batch is returned); a payload digest mismatch
is left to item 1-1, which compares the manifest's digest with the one computed during
validation (kept in ``SubmittedFile.computed``), so it is reported once. Warnings are kept as
``Submission.warnings`` prefixed ``BagIt``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from lantai.ingest.sources import folder
from lantai.ingest.sources.catalogue import find_catalogue
from lantai.ingest.sources.grid import header_key
from lantai.preservation.bagcheck import BagReport, validate_bag
from lantai.sip.files import is_system_file
from lantai.sip.submission import CANONICAL_FIELDS, Submission, SubmittedFile, SubmittedItem

KIND: Final = "bagit"
_BAGIT_LABELS = {"external-identifier": "ref_code", "external-description": "description"}


def matches(path: Path) -> bool:
    return path.is_dir() and (path / "bagit.txt").is_file()


def read(path: Path) -> Submission:
    report = validate_bag(path)
    data = path / "data"
    if data.is_dir() and find_catalogue(data) is not None:
        submission = folder.read(data)
        submission.kind, submission.root = KIND, path
        _attach_manifest_digests(submission, report)
    else:
        submission = Submission(KIND, path)
        submission.items = [_single_item(report)] if report.payload else []
    _declared(submission, report)
    _report_problems(submission, report)
    return submission


def _single_item(report: BagReport) -> SubmittedItem:
    fields: dict[str, str] = {}
    ref_code = None
    for label, value in report.info:
        key = _BAGIT_LABELS.get(label.lower()) or header_key(label)
        if key == "ref_code":
            ref_code = value
        elif key in CANONICAL_FIELDS and value and key not in fields:
            fields[key] = value
    item = SubmittedItem(row=None, ref_code=ref_code, fields=fields)
    for name, digests in sorted(report.payload.items()):
        if is_system_file(name):
            continue  # OS litter: warned about by the validator, not content
        path = report.path / name
        item.files.append(_file(report, name, path, digests))
    return item


def _file(report: BagReport, name: str, path: Path, digests: dict[str, str]) -> SubmittedFile:
    return SubmittedFile(
        path,
        name.removeprefix("data/"),
        report.sizes.get(name, path.stat().st_size),
        dict(digests),
        dict(report.computed.get(name, {})),
    )


def _attach_manifest_digests(submission: Submission, report: BagReport) -> None:
    for f in submission.files:
        key = "data/" + f.name
        f.declared.update(report.payload.get(key, {}))
        f.computed.update(report.computed.get(key, {}))


def _declared(submission: Submission, report: BagReport) -> None:
    oxum = report.info_value("Payload-Oxum") or ""
    match = re.fullmatch(r"([0-9]+)\.([0-9]+)", oxum)
    # With a catalogue, the catalogue and 说明文件 are themselves payload files: Payload-Oxum
    # counts them, the items do not, so it is compared only for single-item bags.
    if match and submission.items and all(i.row is None for i in submission.items):
        submission.declared.update(bytes=int(match.group(1)), files=int(match.group(2)))
    agency = report.info_value("Source-Organization")
    if agency:
        submission.declared.setdefault("agency", agency)
    # A catalogue bag's External-Identifier names the transfer (a single-item bag's is its 档号).
    number = report.info_value("移交批次号") or (
        report.info_value("External-Identifier") if any(i.row for i in submission.items) else ""
    )
    if number:
        submission.declared.setdefault("transfer_number", number)
    submission.declared["bagit_version"] = report.version


def _report_problems(submission: Submission, report: BagReport) -> None:
    for error in report.errors:
        if any(f"「{name}」的" in error for name in report.mismatched) and "摘要" in error:
            continue  # reported by 1-1 from declared vs computed
        code = "2-11" if ("不存在" in error or "未列入" in error) else "1-12"
        if "越界" in error or "链接" in error or "设备文件" in error:
            code = "4-8"
        submission.problem(error, file="bagit.txt" if "bagit.txt" in error else None, code=code)
    submission.warnings += [f"BagIt：{w}" for w in report.warnings]
