"""Receiving one transfer batch (接收进馆), all-or-nothing (architecture §5 flow 1).

read the submission → compute its identity (:mod:`lantai.ingest.identity`): a re-run of an
accepted batch answers 已接收 and changes nothing → run 四性检测 → if every automatable item
passes: create the batch as ``receiving`` in its own transaction, then extract, number, package
and insert its items ``CHUNK`` at a time, each chunk in its own short transaction (a long
ingest never holds the database's write lock for its whole length, so the server's worker can
write between chunks) → mark it ``accepted`` together with its search-outbox rows → publish the
AIPs (see :mod:`lantai.preservation.storage`).

All-or-nothing is kept by the batch's state: an exception undoes the receiving batch at once,
a crash is undone by ``rollback.recover()`` at the next ingest or server start (see
:mod:`lantai.ingest.rollback`). A crash after the batch is accepted leaves its bags in staging
and its outbox rows pending; recovery publishes the bags, and the next command indexes the rows.
A failed check returns the batch (退回) with its report and creates no records or files.
"""

from __future__ import annotations

import errno
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lantai import faultpoints
from lantai.archive.description import description_of
from lantai.archive.models import Component, Fonds, Item, RefCodeCounter, TransferBatch
from lantai.archive.visibility import held_condition
from lantai.audit.anchors import bag_info_head
from lantai.audit.chain import record, record_many
from lantai.audit.context import current_actor
from lantai.env import env_int, env_str
from lantai.env import require_virus_check as virus_check_setting
from lantai.ingest import rollback
from lantai.ingest.checks import VIRUS_ITEMS, CheckContext, CheckResult, accepted, run_checks
from lantai.ingest.identity import (
    TransferNumberConflict,
    batch_identity,
    earlier_accepted,
    transfer_number,
)
from lantai.ingest.records import (
    Extracted,
    build_components,
    build_item,
    extracted_chunks,
    ref_codes_for,
)
from lantai.ingest.report import IngestReport
from lantai.ingest.sources import open_submission
from lantai.preservation import storage
from lantai.preservation.aip import AipBatch, BagOptions
from lantai.preservation.models import PackageVersion
from lantai.preservation.packages import first_version
from lantai.preservation.premis import check_events
from lantai.search import outbox
from lantai.sip.errors import (  # noqa: F401 (IngestError, ServerFault re-exported)
    IngestError,
    ServerFault,
    store_disk_full,
)
from lantai.sip.submission import Submission, SubmittedItem

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
CHUNK = 250  # items per chunk and transaction (LANTAI_INGEST_CHUNK overrides; see _store_items)
AIP_WORKERS = 4  # threads writing bags (file creation and hashing release the GIL)
DIGEST_QUERY = 500  # digests per IN (...) query: below every database's parameter limit


def _noop(stage: str, done: int, total: int) -> None:
    return None


def ingest(
    path: Path | str,
    *,
    fonds_code: str | None = None,
    agency: str = "",
    defaults: dict[str, str] | None = None,
    check_only: bool = False,
    require_virus_check: bool | None = None,
    progress: Progress = _noop,
) -> IngestReport:
    """Receive the submission at ``path`` (see the module docstring).

    ``require_virus_check`` returns a batch whose virus checks could not be performed (no
    ClamAV); ``None`` takes ``LANTAI_REQUIRE_VIRUS_CHECK``."""
    path = Path(path)
    if require_virus_check is None:
        require_virus_check = virus_check_setting()
    if not path.exists():
        raise IngestError(f"提交包不存在：{path}")
    with storage.exclusive():
        rollback.recover()
        with open_submission(path) as submission:
            fonds = _resolve_fonds(submission, fonds_code)
            identity, number = batch_identity(submission), transfer_number(submission)
            if not check_only:
                try:
                    earlier = earlier_accepted(fonds, identity, number)
                except TransferNumberConflict as conflict:
                    raise IngestError(str(conflict)) from None
                if earlier is not None:
                    return _already_received(submission, fonds, earlier)
            context = _context(fonds, defaults or {})
            if require_virus_check:
                context.required = context.required | VIRUS_ITEMS
            progress("四性检测", 0, 1)
            results = run_checks(submission, context)
            progress("四性检测", 1, 1)
            report = _report(submission, fonds, results)
            report.check_only = check_only
            report.would_accept = accepted(results, context.required)
            submission.declared.update(identity=identity, transfer_number=number)
            if check_only:
                report.status = "checked" if report.would_accept else "returned"
            elif not report.would_accept:
                report.status = "returned"
                report.batch = _register_returned(
                    submission, fonds, agency, path, results, context.required
                ).code
            else:
                fields = _batch_fields(submission, fonds, agency, path)
                _accept(submission, fields, results, context, report, progress)
    return report


def _already_received(submission: Submission, fonds: Fonds, batch: TransferBatch) -> IngestReport:
    """The report of a re-run of an accepted batch (recovery has finished its publishing)."""
    report = _report(submission, fonds, [])
    report.checks = list(batch.report or [])
    report.status, report.batch = "accepted", batch.code
    report.already_received = report.would_accept = True
    return report


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
    def existing(codes: Iterable[str]) -> set[str]:
        return set(Item.objects.filter(ref_code__in=list(codes)).values_list("ref_code", flat=True))

    def held_digests(digests: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """digest → the (档号, source URL) of the fonds' stored originals holding it."""
        wanted = list(digests)
        held: dict[str, list[tuple[str, str]]] = {}
        for start in range(0, len(wanted), DIGEST_QUERY):
            rows = (
                Component.objects.filter(
                    item__fonds=fonds,
                    role="master",
                    sha256__in=wanted[start : start + DIGEST_QUERY],
                )
                # A voided batch's files are not held: its corrected re-transfer is no duplicate.
                .filter(held_condition("item__"))
                .order_by("item__ref_code")
                .values_list("sha256", "item__ref_code", "item__source_url")
            )
            for digest, ref_code, url in rows:
                held.setdefault(digest, []).append((ref_code, url))
        return held

    def group_max(group: str) -> int:
        counter = RefCodeCounter.objects.filter(fonds=fonds, group=group).first()
        return counter.last_number if counter else 0

    return CheckContext(
        grammar=fonds.grammar,
        existing_ref_codes=existing,
        existing_digests=held_digests,
        group_max_number=group_max,
        defaults={"fonds": fonds.code, **{k: v for k, v in defaults.items() if v}},
        clamd=env_str("LANTAI_CLAMD", "") or None,
    )


def _report(submission: Submission, fonds: Fonds, results: list[CheckResult]) -> IngestReport:
    return IngestReport(
        status="",
        fonds=fonds.code,
        items=len(submission.items),
        files=len(submission.files),
        bytes=submission.total_bytes,
        checks=[r.as_dict() for r in results if isinstance(r, CheckResult)],
        warnings=[*submission.warnings, *check_warnings(results)],
    )


def check_warnings(results: list[CheckResult]) -> list[str]:
    """Warnings a passing check carries in its detail (``警告：…``, e.g. a page with a damaged
    character at 3-4), repeated in the report's ``warnings`` so a script sees them too."""
    return [
        f"{r.code} {part}"
        for r in results
        if isinstance(r, CheckResult)
        for part in r.detail.split("；")
        if part.startswith("警告：")
    ]


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
        "identity": str(submission.declared.get("identity", "")),
        "transfer_number": str(submission.declared.get("transfer_number", "")),
    }


def _register_returned(
    submission: Submission,
    fonds: Fonds,
    agency: str,
    path: Path,
    results: list[CheckResult],
    required: frozenset[str] = frozenset(),
) -> TransferBatch:
    """Record the 退回 with its report; no items, files or index entries are created."""
    failed = [r.code for r in results if r.passed is False]
    missing = [r.code for r in results if r.passed is None and r.code in required]
    with transaction.atomic():
        batch = TransferBatch.objects.create(
            **_batch_fields(submission, fonds, agency, path),
            state="returned",
            report=[r.as_dict() for r in results],
            finished_at=timezone.now(),
        )
        detail = {"failed": failed, **({"required_not_performed": missing} if missing else {})}
        record("ingest_returned", obj=batch, outcome="failure", detail=detail)
    return batch


def _accept(
    submission: Submission,
    fields: dict,
    results: list[CheckResult],
    context: CheckContext,
    report: IngestReport,
    progress: Progress,
) -> None:
    staging = storage.staging_dir(fields["code"])
    events = check_events(results)
    storage.require_space([f.size for i in submission.items for f in (*i.files, *i.captures)])
    with transaction.atomic():
        batch = TransferBatch.objects.create(
            **fields, state="receiving", report=[r.as_dict() for r in results]
        )
    try:
        with AipBatch() as aips:
            receiving = Receiving(batch, aips, staging, events, context, progress)
            stored = _store_items(receiving, submission.items)
            aips.commit()
        with transaction.atomic():
            ids = list(Item.objects.filter(batch=batch).values_list("pk", flat=True))
            outbox.enqueue(ids, hides=False)
            batch.state, batch.finished_at, batch.counters = "accepted", timezone.now(), {}
            batch.save(update_fields=["state", "finished_at", "counters"])
            record("ingest_accepted", obj=batch, detail={"items": len(stored)})
    except BaseException as error:
        try:
            rollback.abort(batch, type(error).__name__)
        except Exception:
            log.warning("批次 %s 撤回未完成，下次启动时自动恢复", batch.code, exc_info=True)
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise store_disk_full(storage.store_root(), None) from None
        raise
    faultpoints.reached("ingest.accepted", batch=batch.code)
    storage.publish(batch.code)
    report.status, report.batch = "accepted", batch.code
    report.records = [
        {"ref_code": ref_code, "title": title, "files": [f.name for f in source.files]}
        for (ref_code, title), source in zip(stored, submission.items, strict=True)
    ]


@dataclass(frozen=True)
class Receiving:
    """What every chunk of one batch being received shares."""

    batch: TransferBatch
    aips: AipBatch  # the batch's bags, written to ``staging`` until the batch is accepted
    staging: Path
    events: list[dict]  # the 四性检测 outcome as PREMIS events, recorded in every bag
    context: CheckContext
    progress: Progress


def _store_items(receiving: Receiving, sources: list[SubmittedItem]) -> list[tuple[str, str]]:
    """Extract, number, package and insert the items ``CHUNK`` at a time, one transaction per
    chunk; returns each item's (档号, 题名) for the receipt.

    Working in chunks keeps memory bounded whatever the batch size (one chunk's texts and
    records are held at once), allocates 档号 with one counter update per group and chunk
    rather than per item, and keeps each write transaction short. A failure in any chunk is
    undone by the caller (:func:`rollback.abort`); :class:`AipBatch` removes every bag.
    """
    stored: list[tuple[str, str]] = []
    batch, progress, total = receiving.batch, receiving.progress, len(sources)
    for start, chunk, extracted in extracted_chunks(sources, chunk_size()):
        progress("提取文本", start + len(chunk), total)
        with transaction.atomic():
            before = rollback.counters(batch.fonds)
            stored += _store_chunk(receiving, start, chunk, extracted)
            rollback.note_counters(batch, before, rollback.counters(batch.fonds))
        progress("写入存档包", start + len(chunk), total)
    return stored


def _store_chunk(
    receiving: Receiving, start: int, chunk: list[SubmittedItem], extracted: list[Extracted]
) -> list[tuple[str, str]]:
    """Number, package and insert one chunk (inside the chunk's transaction)."""
    batch, context = receiving.batch, receiving.context
    codes = ref_codes_for(batch.fonds, chunk, extracted, context.defaults)
    items = [
        build_item(batch.fonds, batch, source, texts, context.defaults, code)
        for source, texts, code in zip(chunk, extracted, codes, strict=True)
    ]
    bag_info = {
        "Source-Organization": batch.agency,
        "Lantai-Batch": batch.code,
        **bag_info_head(),
    }
    jobs: list[tuple[Path, SubmittedItem, BagOptions]] = [
        (
            receiving.staging / item.ref_code,
            source,
            {
                "identifier": item.ref_code,
                "description": description_of(item),
                "texts": texts.texts,
                "events": receiving.events,
                "bag_info": bag_info,
            },
        )
        for item, source, texts in zip(items, chunk, extracted, strict=True)
    ]
    components = list(zip(items, receiving.aips.write_all(jobs, AIP_WORKERS), strict=True))
    faultpoints.reached("ingest.chunk_written", written=start + len(chunk))
    Item.objects.bulk_create(items, batch_size=500)
    files = {item.pk: build_components(item, aip, batch.code) for item, aip in components}
    Component.objects.bulk_create([c for cs in files.values() for c in cs], batch_size=1000)
    PackageVersion.objects.bulk_create(
        [first_version(item, aip, batch.code, files[item.pk]) for item, aip in components],
        batch_size=1000,
    )
    record_many(
        "ingest",
        (
            (item, {"batch": batch.code, "files": [f.name for f in aip.originals]})
            for item, aip in components
        ),
    )
    return [(item.ref_code, item.title) for item in items]


def chunk_size() -> int:
    return env_int("LANTAI_INGEST_CHUNK", CHUNK, minimum=1)
