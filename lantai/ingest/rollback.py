"""Undoing a batch that did not finish receiving (state ``receiving``), after an exception or
a crash.

A batch is written in short transactions (one per chunk, see ``lantai.ingest.batch``), so its
all-or-nothing is kept by its state and by this cleanup rather than by one long transaction.
:func:`abort` deletes the batch's components, items and search-outbox rows, resets every 档号
counter it advanced — only where the counter still stands where the batch left it; ingests
allocate under ``storage.exclusive()``, so another allocator can only be a manual record, and a
counter moved by someone else is left alone (a gap, never a duplicate) — marks the batch
``aborted`` and records ``ingest_rolled_back``. The chunks' ``ingest`` audit events stay: the
chain is append-only, so the compensating event is what says they were undone.

Items of a receiving batch are never searchable (their outbox rows are written only in the
transaction that marks the batch accepted) nor public (``Item`` visibility requires an
accepted batch), so nobody sees them before they are undone.

:func:`recover` is the start-up half: it aborts what a dead process left receiving, then
finishes or discards the bags it left in the store's staging area (``lantai.preservation.storage``
holds the files; this module decides what becomes of them).
"""

from __future__ import annotations

import shutil

from django.db import transaction
from django.utils import timezone

from lantai.archive.models import Component, Fonds, Item, RefCodeCounter, TransferBatch
from lantai.audit.chain import record
from lantai.preservation import storage
from lantai.preservation.models import PackageOutbox, PackageVersion
from lantai.search.models import SearchOutbox


def abort(batch: TransferBatch, reason: str) -> None:
    """Undo everything a receiving batch wrote; idempotent."""
    with transaction.atomic():
        batch = TransferBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != "receiving":
            return
        items = Item.objects.filter(batch=batch)
        ids = list(items.values_list("pk", flat=True))
        # Raw deletes: no per-object signals (they would enqueue outbox rows for records that
        # never reached the index).
        components = Component.objects.filter(item__batch=batch)
        removed_components = components._raw_delete(components.db)
        SearchOutbox.objects.filter(item_id__in=ids).delete()
        PackageOutbox.objects.filter(item_id__in=ids).delete()
        first = PackageVersion.objects.filter(item__batch=batch)  # their ingest bags go too
        first._raw_delete(first.db)
        removed_items = items._raw_delete(items.db)
        reset, kept = [], []
        for group, (before, after) in sorted(batch.counters.items()):
            counter = RefCodeCounter.objects.select_for_update().filter(
                fonds=batch.fonds, group=group
            )
            if counter.filter(last_number=after).update(last_number=before):
                reset.append(group)
            else:
                kept.append(group)
        batch.state, batch.finished_at = "aborted", timezone.now()
        batch.save(update_fields=["state", "finished_at"])
        record(
            "ingest_rolled_back",
            obj=batch,
            outcome="failure",
            detail={
                "reason": reason,
                "items": removed_items or 0,
                "components": removed_components or 0,
                "counters_reset": reset,
                "counters_kept": kept,
            },
        )
    shutil.rmtree(storage.staging_dir(batch.code), ignore_errors=True)


def abort_unfinished() -> list[str]:
    """Abort every batch left ``receiving`` (call under ``storage.exclusive()``: then no ingest
    is running, so a receiving batch is one whose process died)."""
    codes = []
    for batch in TransferBatch.objects.filter(state="receiving").order_by("pk"):
        abort(batch, "crash")
        codes.append(batch.code)
    return codes


def counters(fonds: Fonds) -> dict[str, int]:
    return dict(RefCodeCounter.objects.filter(fonds=fonds).values_list("group", "last_number"))


def note_counters(batch: TransferBatch, before: dict[str, int], after: dict[str, int]) -> None:
    """Remember, in the chunk's transaction, where each counter this batch moved stood before
    the batch and stands now, so an abort can put it back."""
    for group, number in after.items():
        if number != before.get(group, 0):
            first = batch.counters.get(group, [before.get(group, 0)])[0]
            batch.counters[group] = [first, number]
    batch.save(update_fields=["counters"])


def recover_if_idle() -> bool:
    """Start-up recovery (``lantai serve``): :func:`recover` unless an ingest holds the lock
    (it recovers itself first); returns whether recovery ran."""
    with storage.exclusive(wait=False) as held:
        if held:
            recover()
    return held


def is_committed(batch_code: str) -> bool:
    """Whether the batch's records were committed (its bags then belong in the AIP store)."""
    return TransferBatch.objects.filter(code=batch_code, state="accepted").exists()


def recover() -> list[str]:
    """Finish or discard whatever a crashed ingest left in staging; call under
    :func:`storage.exclusive`."""
    repaired = abort_unfinished()
    for entry in sorted((storage.store_root() / "staging").iterdir()):
        if not entry.is_dir():
            entry.unlink()
        elif is_committed(entry.name):
            storage.publish(entry.name)
        else:
            shutil.rmtree(entry, ignore_errors=True)
        if entry.name not in repaired:
            repaired.append(entry.name)
    return repaired
