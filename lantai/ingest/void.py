"""作废: withdrawing an accepted batch that should not have been accepted, by a recorded decision.

A wrongly accepted transfer (the wrong fonds, a batch sent twice under two numbers, an
agency's draft) cannot be deleted: its records have 档号, packages in the AIP store and a place
in the audit chain, and the law keeps all three. :func:`void` therefore changes only the
batch's state, to ``voided``, with the decision that ordered it (its 文号 or meeting record),
the reason, who and when; ``lantai.archive.visibility`` then leaves its records out of every
list, page, queue and search — the public's and the staff's — and the indexer drops them from
the public token set (the records are re-queued here, in the same transaction). Their
packages, files and audit events stay untouched, and fixity keeps checking them.

Decisions:

- **Only an accepted batch**, and only by its fonds' staff (``archive.change_transferbatch``):
  a batch still receiving is aborted (``lantai.ingest.rollback``), a returned or checked one
  holds no records.
- **Nothing in a volume, no record already opened**: a voided record must not leave a hole in
  a 案卷 or take back what the public has read without a review decision. The archivist first
  takes the records out of their volumes / has them re-reviewed; the message names them.
- **The 档号 stay with the voided records** (they are unique and audited); a corrected
  re-transfer carries new ones. Its files are no longer "held" (1-8 sees no duplicate).
- **One audit event** (``batch_voided``) names the batch, the decision, the reason and the
  number of records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantai.archive.models import Fonds, Item, TransferBatch
from lantai.audit.chain import record
from lantai.search import outbox


class VoidError(Exception):
    """The batch cannot be voided as asked (message in Chinese, saying what to do)."""


@dataclass(frozen=True)
class VoidPlan:
    batch: TransferBatch
    items: int
    in_volumes: list[str]  # 档号 of records still in a 案卷
    opened: list[str]  # 档号 of records already open to the public

    @property
    def blockers(self) -> list[str]:
        out = []
        if self.in_volumes:
            first = "、".join(self.in_volumes[:5])
            out.append(
                f"有 {len(self.in_volumes)} 件档案仍在案卷中（如 {first}），请先将其从案卷中取出"
            )
        if self.opened:
            first = "、".join(self.opened[:5])
            out.append(
                f"有 {len(self.opened)} 件档案已开放（如 {first}），请先经开放审核改为不开放"
            )
        return out


def _batch_for(user: Any, code: str, *, lock: bool = False) -> TransferBatch:
    scope = TransferBatch.objects.filter(fonds__in=Fonds.objects.assigned_to(user))
    if lock:
        scope = scope.select_for_update()
    batch = scope.filter(code=code).first()
    if batch is None:
        raise VoidError(f"没有批次「{code}」，或你没有该全宗的权限")
    return batch


def plan(user: Any, code: str) -> VoidPlan:
    """What voiding batch ``code`` would do, or why it cannot be done yet."""
    batch = _batch_for(user, code)
    return _plan(batch)


def _plan(batch: TransferBatch) -> VoidPlan:
    if batch.state != "accepted":
        raise VoidError(
            f"批次 {batch.code} 的状态是「{batch.get_state_display()}」：只有已入库的批次可以作废"
        )
    items = Item.objects.filter(batch=batch)
    in_volumes = list(
        items.filter(volume__isnull=False).order_by("ref_code").values_list("ref_code", flat=True)
    )
    opened = list(
        items.filter(open_status="open").order_by("ref_code").values_list("ref_code", flat=True)
    )
    return VoidPlan(batch, items.count(), in_volumes, opened)


def void(user: Any, code: str, *, decision: str, reason: str) -> TransferBatch:
    """Void accepted batch ``code`` by ``decision`` for ``reason``; raise :class:`VoidError`."""
    decision, reason = decision.strip(), reason.strip()
    if not decision:
        raise VoidError("作废必须写明依据（决定文号或会议记录），请填写“作废依据”")
    if not reason:
        raise VoidError("作废必须写明原因，请填写“作废原因”")
    with transaction.atomic():
        batch = _batch_for(user, code, lock=True)
        planned = _plan(batch)
        if planned.blockers:
            raise VoidError("；".join(planned.blockers))
        batch.state = "voided"
        batch.void_decision, batch.void_reason = decision[:200], reason
        batch.voided_by, batch.voided_at = user.get_username(), timezone.now()
        batch.save(
            update_fields=["state", "void_decision", "void_reason", "voided_by", "voided_at"]
        )
        ids = list(Item.objects.filter(batch=batch).values_list("pk", flat=True))
        outbox.enqueue(ids, hides=True)
        record(
            "batch_voided",
            obj=batch,
            detail={"decision": decision, "reason": reason, "items": len(ids)},
        )
    return batch
