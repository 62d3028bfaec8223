"""Receiving one transfer batch (接收进馆), all-or-nothing (DESIGN §5 flow 1).

read the submission → run 四性检测 → if every automatable item passes: extract text, write one
AIP per item into staging, create the batch, items, components, audit events and search-outbox
rows in ONE database transaction, then publish the AIPs (see :mod:`lantai.ingest.storage`).
A failed check returns the batch (退回) with its report and creates no records or files; a
crash at any point leaves no partial records, files or index entries, and re-running the same
submission completes it.
"""

from __future__ import annotations

import os
import shutil
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lantai.archive.models import Component, Fonds, Item, RefCodeCounter, TransferBatch
from lantai.audit.chain import record
from lantai.audit.context import current_actor
from lantai.ingest import storage
from lantai.ingest.aip import AipBatch, check_events
from lantai.ingest.checks import CheckContext, CheckResult, accepted, run_checks
from lantai.ingest.records import Extracted, build_components, build_item
from lantai.ingest.sources import open_submission
from lantai.ingest.submission import Submission, SubmittedItem
from lantai.search import outbox
from lantai.text import extract

Progress = Callable[[str, int, int], None]


class IngestError(Exception):
    """The batch cannot even be checked (no such path or fonds); message for the user."""


@dataclass
class IngestReport:
    status: str  # accepted | returned | checked (--check-only)
    fonds: str
    batch: str | None = None
    items: int = 0
    files: int = 0
    bytes: int = 0
    checks: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "batch": self.batch,
            "status": self.status,
            "fonds": self.fonds,
            "items": self.items,
            "files": self.files,
            "bytes": self.bytes,
            "checks": self.checks,
            "records": self.records,
            "warnings": self.warnings,
        }


def _noop(stage: str, done: int, total: int) -> None:
    return None


def ingest(
    path: Path | str,
    *,
    fonds_code: str | None = None,
    agency: str = "",
    defaults: dict[str, str] | None = None,
    check_only: bool = False,
    progress: Progress = _noop,
) -> IngestReport:
    path = Path(path)
    if not path.exists():
        raise IngestError(f"提交包不存在：{path}")
    with storage.exclusive():
        storage.recover(_is_committed)
        with open_submission(path) as submission:
            fonds = _resolve_fonds(submission, fonds_code)
            context = _context(fonds, defaults or {})
            progress("四性检测", 0, 1)
            results = run_checks(submission, context)
            progress("四性检测", 1, 1)
            report = _report(submission, fonds, results)
            if check_only:
                report.status = "checked"
            elif not accepted(results):
                report.status = "returned"
                report.batch = _register_returned(submission, fonds, agency, path, results).code
            else:
                _accept(submission, fonds, agency, path, results, context, report, progress)
    return report


def _is_committed(batch_code: str) -> bool:
    return TransferBatch.objects.filter(code=batch_code, state="accepted").exists()


def _resolve_fonds(submission: Submission, code: str | None) -> Fonds:
    if not code:
        found = {
            (item.fields.get("fonds") or (item.ref_code or "").split("-", 1)[0]).upper()
            for item in submission.items
        } - {""}
        if len(found) != 1:
            raise IngestError("无法从提交包确定全宗：请用 --fonds 指定全宗号")
        code = found.pop()
    fonds = Fonds.objects.filter(code=code.strip().upper()).first()
    if fonds is None:
        raise IngestError(f"全宗「{code}」不存在：请先运行 lantai fonds add {code} 全宗名称")
    return fonds


def _context(fonds: Fonds, defaults: dict[str, str]) -> CheckContext:
    def existing(codes) -> set[str]:
        return set(Item.objects.filter(ref_code__in=list(codes)).values_list("ref_code", flat=True))

    def group_max(group: str) -> int:
        counter = RefCodeCounter.objects.filter(fonds=fonds, group=group).first()
        return counter.last_number if counter else 0

    return CheckContext(
        grammar=fonds.grammar,
        existing_ref_codes=existing,
        group_max_number=group_max,
        defaults={"fonds": fonds.code, **{k: v for k, v in defaults.items() if v}},
        clamd=os.environ.get("LANTAI_CLAMD") or None,
    )


def _report(submission: Submission, fonds: Fonds, results: list[CheckResult]) -> IngestReport:
    return IngestReport(
        status="",
        fonds=fonds.code,
        items=len(submission.items),
        files=len(submission.files),
        bytes=submission.total_bytes,
        checks=[r.as_dict() for r in results],
        warnings=list(submission.warnings),
    )


def _new_batch_code(fonds: Fonds) -> str:
    return f"{fonds.code}-{timezone.localtime():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def _batch_fields(submission: Submission, fonds: Fonds, agency: str, path: Path) -> dict:
    return {
        "fonds": fonds,
        "code": _new_batch_code(fonds),
        "agency": agency or str(submission.declared.get("agency", "")),
        "source_name": str(path)[:1000],
        "source_kind": submission.kind,
        "item_count": len(submission.items),
        "file_count": len(submission.files),
        "byte_count": submission.total_bytes,
        "received_by": current_actor(),
    }


def _register_returned(
    submission: Submission, fonds: Fonds, agency: str, path: Path, results: list[CheckResult]
) -> TransferBatch:
    """Record the 退回 with its report; no items, files or index entries are created."""
    failed = [r.code for r in results if r.passed is False]
    with transaction.atomic():
        batch = TransferBatch.objects.create(
            **_batch_fields(submission, fonds, agency, path),
            state="returned",
            report=[r.as_dict() for r in results],
            finished_at=timezone.now(),
        )
        record("ingest_returned", obj=batch, outcome="failure", detail={"failed": failed})
    return batch


def _extract_texts(submission: Submission, progress: Progress) -> list[Extracted]:
    results = []
    total = len(submission.items)
    for n, item in enumerate(submission.items, 1):
        texts, first = {}, None
        for submitted in item.files:
            result = extract(submitted.path)
            first = first or result
            if result.body:
                texts[submitted.name] = result.body
        results.append(Extracted(texts, first))
        if n % 50 == 0 or n == total:
            progress("提取文本", n, total)
    return results


def _accept(
    submission: Submission,
    fonds: Fonds,
    agency: str,
    path: Path,
    results: list[CheckResult],
    context: CheckContext,
    report: IngestReport,
    progress: Progress,
) -> None:
    extracted = _extract_texts(submission, progress)
    fields = _batch_fields(submission, fonds, agency, path)
    staging = storage.staging_dir(fields["code"])
    events = check_events(results)
    try:
        with transaction.atomic():
            batch = TransferBatch.objects.create(
                **fields,
                state="accepted",
                report=[r.as_dict() for r in results],
                finished_at=timezone.now(),
            )
            with AipBatch() as aips:
                items = _store_items(
                    batch, submission.items, extracted, aips, staging, events, context, progress
                )
                aips.commit()
            record("ingest_accepted", obj=batch, detail={"items": len(items)})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    storage.publish(batch.code)
    report.status, report.batch = "accepted", batch.code
    report.records = [
        {"ref_code": item.ref_code, "title": item.title, "files": [f.name for f in source.files]}
        for item, source in zip(items, submission.items, strict=True)
    ]


def _store_items(
    batch: TransferBatch,
    sources: list[SubmittedItem],
    extracted: list[Extracted],
    aips: AipBatch,
    staging: Path,
    events: list[dict],
    context: CheckContext,
    progress: Progress,
) -> list[Item]:
    items, components = [], []
    total = len(sources)
    for n, (source, texts) in enumerate(zip(sources, extracted, strict=True), 1):
        item = build_item(batch.fonds, batch, source, texts, context.defaults)
        aip = aips.write(
            staging / item.ref_code,
            source,
            identifier=item.ref_code,
            texts=texts.texts,
            events=events,
            bag_info={"Source-Organization": batch.agency, "Lantai-Batch": batch.code},
        )
        items.append(item)
        components.append((item, aip))
        _maybe_crash(n)
        if n % 50 == 0 or n == total:
            progress("写入存档包", n, total)
    Item.objects.bulk_create(items, batch_size=500)
    Component.objects.bulk_create(
        [c for item, aip in components for c in build_components(item, aip, batch.code)],
        batch_size=1000,
    )
    for item, aip in components:
        names = [stored.name for stored in aip.originals]
        record("ingest", obj=item, detail={"batch": batch.code, "files": names})
    outbox.enqueue([item.pk for item in items], hides=False)
    return items


def _maybe_crash(written: int) -> None:
    """Fault injection for the crash tests: ``LANTAI_FAULT_KILL_AFTER=N`` SIGKILLs this process
    after N items are written (before anything is committed). Never set in production."""
    limit = os.environ.get("LANTAI_FAULT_KILL_AFTER")
    if limit and written >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)
