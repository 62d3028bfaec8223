"""Attaching scans to their records (数字化挂接), as a batch of its own, all-or-nothing.

read the folder or zip → place every file on a record by the 档号 in its name
(:mod:`lantai.ingest.attach.match`) → find the records in the fonds → run the 四性检测 items that
concern content (digests, duplicates, formats, readability, viruses, package safety) → if all
pass: write one package per record to staging, then in one transaction register the batch as
accepted, add the files to the records, fill an empty 页数 and text (OCR where an engine is
installed), queue the records for the index and audit it → publish the packages.

Decisions recorded here:

- **A 挂接 is a receiving batch** (``TransferBatch`` with ``source_kind="attach"``): the scans
  are received into the archive as a transfer is, with a batch code, a 四性检测 report that the
  batch page shows and prints, and the same crash recovery (:mod:`lantai.ingest.rollback`: bags
  in staging without an accepted batch are removed, with one they are published). A returned
  run is registered with its report, like a returned transfer; ``check_only`` registers nothing.
- **Only records of the fonds, and only the right ones.** A 档号 the fonds does not hold (or
  holds only in a voided batch) refuses the run, naming the file: scans are never attached to
  a near miss or to another fonds' record. A former 档号 (renumbered record) finds the record
  under its new number, with a warning.
- **Nothing is replaced.** A record that already has files is refused unless ``append`` says
  the scans add pages to it; the files it has stay as they are (their packages are never
  modified, :mod:`lantai.preservation.aip`), and the new package lies beside the old one.
- 页数 is a check, not a guess: an empty 页数 is filled with the pages attached (images plus PDF
  pages); a 页数 that differs from the pages attached is reported as a warning to look at (blank
  backs are often not scanned), never changed silently.
- Images scanned below 200 dpi (DA/T 31 asks for at least 200) are named in the warnings.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantai.archive.models import Component, Fonds, Item, TransferBatch
from lantai.archive.refcode import RefCodeError
from lantai.archive.visibility import held_condition
from lantai.audit.anchors import bag_info_head
from lantai.audit.chain import record, record_many
from lantai.audit.context import current_actor
from lantai.env import require_virus_check as virus_check_setting
from lantai.ingest import rollback
from lantai.ingest.attach.match import Matching, match
from lantai.ingest.attach.pages import page_warnings, pages_in
from lantai.ingest.batch import IngestError, _context, _resolve_fonds, check_warnings
from lantai.ingest.checks import (
    VIRUS_ITEMS,
    CheckContext,
    CheckResult,
    accepted,
    authenticity,
    result,
    run_items,
    security,
    usability,
)
from lantai.ingest.records import build_components, extracted_chunks
from lantai.ingest.report import IngestReport
from lantai.ingest.sources import zip as zip_source
from lantai.preservation import outbox as package_outbox
from lantai.preservation import storage
from lantai.preservation.aip import AipBatch, BagOptions
from lantai.preservation.premis import check_events
from lantai.search import outbox
from lantai.sip.files import walk
from lantai.sip.submission import Submission, SubmittedItem
from lantai.text import detect_script

KIND = "attach"
SCAN_FORMATS = frozenset({"jpeg", "tiff", "pdf", "ofd"})  # DA/T 31 image formats, GB/T 18894
CHUNK = 100  # records whose texts are extracted and packaged at a time


def attach(
    path: Path | str,
    *,
    fonds_code: str,
    append: bool = False,
    check_only: bool = False,
    require_virus_check: bool | None = None,
) -> IngestReport:
    """Attach the scans at ``path`` (folder, zip or one file) to the records of ``fonds_code``."""
    path = Path(path)
    if not path.exists() or path.is_symlink():
        raise IngestError(f"挂接路径不存在或是符号链接：{path}")
    if require_virus_check is None:
        require_virus_check = virus_check_setting()
    with storage.exclusive():
        rollback.recover()
        submission, files = _read(path)
        with submission:
            fonds = _resolve_fonds(submission, fonds_code)
            items = _place(submission, files, fonds, append)
            context = _context(fonds, {})
            context.allowed_formats = SCAN_FORMATS
            context.existing_ref_codes = lambda codes: set()  # the records exist: that is the point
            if require_virus_check:
                context.required = context.required | VIRUS_ITEMS
            results = run_items(submission, ITEMS, context)
            report = _report(submission, fonds, results, items)
            report.check_only = check_only
            report.would_accept = accepted(results, context.required)
            if check_only:
                report.status = "checked" if report.would_accept else "returned"
            elif not report.would_accept:
                report.status = "returned"
                report.batch = _returned(submission, fonds, path, results).code
            else:
                _accept(submission, fonds, path, results, items, report)
    return report


def _read(path: Path) -> tuple[Submission, dict[str, Path]]:
    """The files at ``path`` (relative NFC name → path; zips unpacked safely) and a submission
    to hold the problems found while reading; its items are filled by :func:`_place`."""
    if path.is_file() and not zip_source.matches(path):
        return Submission("folder", path.parent), {path.name: path}
    if path.is_file():
        submission, root = zip_source.unpack(path)
        if root is None:
            return submission, {}
        entries = [p for p in root.iterdir() if p.name != "__MACOSX"]
        submission.root = entries[0] if len(entries) == 1 and entries[0].is_dir() else root
    else:
        submission = Submission("folder", path)
    found = walk(submission.root)
    submission.problems += found.problems
    submission.warnings += found.warnings
    return submission, found.files


def _place(
    submission: Submission, files: dict[str, Path], fonds: Fonds, append: bool
) -> dict[str, Item]:
    """Group ``files`` by record into ``submission.items``; returns the records by 档号."""
    matching = match(files, fonds.grammar)
    submission.warnings += [f"已忽略系统文件「{name}」" for name in matching.ignored]
    for problem in matching.problems:
        submission.problem(problem, code="1-11")
    records = _records(fonds, matching)
    for code, scans in matching.groups.items():
        item = records.get(code)
        if item is None:
            submission.problem(
                f"本全宗（{fonds.code}）没有档号为 {code} 的档案（文件「{scans[0].name}」等 "
                f"{len(scans)} 个）：请核对文件名，或先著录该件"
                f"（/staff/items/{fonds.code}/register/）后再挂接",
                code="1-11",
            )
            continue
        if item.ref_code != code:
            submission.warnings.append(f"档号 {code} 已改为 {item.ref_code}：扫描件挂接到新档号")
        held = item.components.filter(role="master").count()
        if held and not append:
            submission.problem(
                f"档号 {item.ref_code} 已挂接 {held} 个电子文件：如本次是补扫的页面，"
                "请选择“追加到已有电子文件”（--append）；如是重扫，请先与管理员核对",
                code="1-11",
            )
            continue
        submission.items.append(SubmittedItem(None, item.ref_code, _fields(item), scans))
    return {item.ref_code: item for item in records.values()}


def _records(fonds: Fonds, matching: Matching) -> dict[str, Item]:
    """The held records of ``fonds`` the 档号 name: by 档号 (any 件号 width) or a former one."""
    wanted: dict[str, str] = {}
    for code in matching.groups:
        try:
            spellings = fonds.grammar.spellings(code)
        except RefCodeError:
            spellings = [code]
        wanted.update({spelling: code for spelling in spellings})
    held = Item.objects.filter(held_condition(), fonds=fonds)
    found = {}
    rows = held.filter(Q(ref_code__in=wanted) | Q(former_codes__old_code__in=wanted)).distinct()
    for item in rows.prefetch_related("former_codes"):
        for name in [item.ref_code, *(a.old_code for a in item.former_codes.all())]:
            if name in wanted:
                found[wanted[name]] = item
    return found


def _fields(item: Item) -> dict[str, str]:
    """The record's description, for the package's metadata.json."""
    values = {
        "fonds": item.fonds.code,
        "title": item.title,
        "creator": item.creator,
        "date": item.date,
        "retention": item.retention,
        "category": item.category,
        "year": str(item.year or ""),
        "org": item.org_code,
        "pages": str(item.pages or ""),
    }
    return {key: value for key, value in values.items() if value}


def linked(submission: Submission, context: CheckContext) -> CheckResult:
    """1-11: every file is placed on a record of the fonds (failures come from :func:`_place`)."""
    if not submission.items:
        return result("1-11", ["没有可挂接的扫描件：文件夹或压缩包中没有以档号命名的文件"], "")
    count = sum(len(item.files) for item in submission.items)
    return result(
        "1-11", [], f"{count} 个扫描件均按档号对应到本全宗的 {len(submission.items)} 件档案"
    )


ITEMS = [
    authenticity.digests_match,
    authenticity.no_duplicates,
    authenticity.file_properties_match,
    linked,
    usability.formats_allowed,
    usability.files_open,
    usability.no_encryption_or_compression,
    *security.ITEMS,
]


def _report(
    submission: Submission, fonds: Fonds, results: list[CheckResult], items: dict[str, Item]
) -> IngestReport:
    pages = [pages_in(item.files) for item in submission.items]
    return IngestReport(
        status="",
        fonds=fonds.code,
        items=len(submission.items),
        files=len(submission.files),
        bytes=submission.total_bytes,
        checks=[r.as_dict() for r in results],
        warnings=[
            *submission.warnings,
            *check_warnings(results),
            *page_warnings(submission.items, pages, items),
        ],
        records=[
            {
                "ref_code": source.ref_code,
                "title": items[source.ref_code or ""].title,
                "files": [f.name for f in source.files],
                "pages": count,
            }
            for source, count in zip(submission.items, pages, strict=True)
        ],
    )


def _batch_fields(submission: Submission, fonds: Fonds, path: Path) -> dict:
    return {
        "fonds": fonds,
        "code": f"{fonds.code}-GJ-{timezone.localtime():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
        "agency": "数字化挂接",
        "source_name": str(path)[:1000],
        "source_kind": KIND,
        "item_count": len(submission.items),
        "file_count": len(submission.files),
        "byte_count": submission.total_bytes,
        "received_by": current_actor(),
    }


def _returned(
    submission: Submission, fonds: Fonds, path: Path, results: list[CheckResult]
) -> TransferBatch:
    with transaction.atomic():
        batch = TransferBatch.objects.create(
            **_batch_fields(submission, fonds, path),
            state="returned",
            report=[r.as_dict() for r in results],
            finished_at=timezone.now(),
        )
        failed = [r.code for r in results if r.passed is False]
        record("attach_returned", obj=batch, outcome="failure", detail={"failed": failed})
    return batch


def _accept(
    submission: Submission,
    fonds: Fonds,
    path: Path,
    results: list[CheckResult],
    items: dict[str, Item],
    report: IngestReport,
) -> None:
    fields = _batch_fields(submission, fonds, path)
    code = fields["code"]
    staging = storage.staging_dir(code)
    storage.require_space([f.size for f in submission.files])
    events = check_events(results)
    bag_info = {"Lantai-Batch": code, "Lantai-Batch-Kind": "digitisation", **bag_info_head()}
    written = []
    with AipBatch() as aips:
        for _, chunk, extracted in extracted_chunks(submission.items, CHUNK):
            jobs: list[tuple[Path, SubmittedItem, BagOptions]] = [
                (
                    staging / (source.ref_code or ""),
                    source,
                    {
                        "identifier": source.ref_code or "",
                        "texts": texts.texts,
                        "events": events,
                        "bag_info": bag_info,
                    },
                )
                for source, texts in zip(chunk, extracted, strict=True)
            ]
            bags = aips.write_all(jobs)
            written += [
                (items[source.ref_code or ""], aip, texts.body, pages_in(source.files))
                for source, aip, texts in zip(chunk, bags, extracted, strict=True)
            ]
        aips.commit()
        _commit(fields, results, written)  # an error here: AipBatch removes the bags again
    storage.publish(code)
    report.status, report.batch = "accepted", code


def _commit(fields: dict, results: list[CheckResult], written: Iterable[tuple]) -> None:
    """Register the batch as accepted with the records' new files, in one transaction."""
    with transaction.atomic():
        batch = TransferBatch.objects.create(
            **fields,
            state="accepted",
            report=[r.as_dict() for r in results],
            finished_at=timezone.now(),
        )
        entries = []
        for item, aip, body, pages in written:
            components = build_components(item, aip, batch.code)
            for component in components:
                component.batch = batch
            Component.objects.bulk_create(components)
            changed: list[str] = []
            if not item.pages and pages:
                item.pages, changed = pages, [*changed, "pages"]
            if not item.text and body:
                item.text, item.script = body, detect_script(body)
                changed += ["text", "script"]
            if changed:
                Item.objects.filter(pk=item.pk).update(**{f: getattr(item, f) for f in changed})
            entries.append((item, {"batch": batch.code, "files": [f.name for f in aip.originals]}))
        outbox.enqueue([item.pk for item, *_ in written], hides=False)
        package_outbox.enqueue([item.pk for item, *_ in written])
        record_many("attach", entries)
        record(
            "attach_accepted",
            obj=batch,
            detail={"records": len(entries), "files": fields["file_count"]},
        )
