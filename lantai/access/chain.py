"""The two-step review chain (初审 → 复审), for the fonds that choose it.

Decisions:

- **A fonds chooses** (``Fonds.review_steps``: 1 one step, 2 the chain). In a two-step fonds a
  reviewer's decision is a 初审 opinion kept on the record (``Item.review_first``); the record's
  open status does not change until a *different* reviewer of the fonds approves it (复审), who
  writes a reason of their own. The first reviewer cannot approve their own opinion, so one
  person can never open a record alone.
- **Only the opening waits.** Masks and masked regions added with a 初审 apply at once: they
  only take away from what the public gets, so holding them back would be the unsafe way round.
- **Sent back (退回)** with a reason, the opinion is dropped and the record waits for a new
  初审; a pending opinion is not overwritten by a second 初审 (it must be sent back first), so
  what the 复审 approves is exactly what the 初审 wrote.
- Each step is an audit event (``review_first``, ``review_returned``, and on approval the
  ``review_decision`` naming both reviewers and both reasons), and the pending opinion shows on
  the workbench and in the queue. The 复审 takes the opinion as it stands when it locks the
  record: a 初审 re-made meanwhile is approved only as the approver saw it (``seen``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lantai.access.review import (
    ReviewError,
    check_decision,
    record_decision,
    shown_as,
    two_step,
)
from lantai.archive.domains import OPEN_STATUSES
from lantai.archive.models import Item
from lantai.audit.chain import record
from lantai.audit.context import current_actor


def first_review(
    item: Item,
    decision: str,
    reason: str,
    review_again: datetime.date | None = None,
    opinion: str = "",
) -> Item:
    """Record a 初审 opinion; the record's status waits for the 复审."""
    check_decision(decision, reason, review_again)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if not two_step(item):
            raise ReviewError(f"全宗 {item.fonds.code} 实行一级审核：审核结论直接生效，无需初审")
        pending = item.review_first or {}
        if pending:
            raise ReviewError(
                f"档案 {item.ref_code} 已有 {pending.get('by', '')} 的初审意见"
                f"（{OPEN_STATUSES.get(pending.get('decision', ''), '')}），正等待复审："
                "如需改变，请先退回该初审意见"
            )
        item.review_first = {
            "decision": decision,
            "reason": reason.strip(),
            "review_again": review_again.isoformat() if review_again else None,
            "opinion": opinion.strip(),
            "by": current_actor(),
            "at": timezone.now().isoformat(),
        }
        item.save()
        record(
            "review_first",
            obj=item,
            object_repr=shown_as(item),
            detail={
                "to": decision,
                "to_label": OPEN_STATUSES[decision],
                "reason": reason.strip(),
                "review_again": item.review_first["review_again"],
            },
        )
    return item


def _pending(item: Item, seen: str | None) -> dict:
    pending = dict(item.review_first or {})
    if not pending:
        raise ReviewError(f"档案 {item.ref_code} 没有待复审的初审意见")
    if seen is not None and seen != pending.get("at"):
        raise ReviewError(f"档案 {item.ref_code} 的初审意见已有变化，请重新查看后再复审")
    return pending


def approve(item: Item, reason: str, *, seen: str | None = None) -> Item:
    """复审同意: the 初审 opinion comes into force, by a reviewer other than its author."""
    if not reason.strip():
        raise ReviewError("复审意见必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        pending = _pending(item, seen)
        if pending.get("by") == current_actor():
            raise ReviewError(f"档案 {item.ref_code} 的初审人是你本人：复审须由另一位审核员作出")
        again = pending.get("review_again")
        when = datetime.date.fromisoformat(again) if again else None
        if when is not None and when < timezone.localdate():
            raise ReviewError(f"初审填写的复审日期 {again} 已过：请退回初审，重新填写复审日期")
        steps = {
            "first": {
                "by": pending.get("by"),
                "at": pending.get("at"),
                "reason": pending["reason"],
            },
            "second": {"by": current_actor(), "reason": reason.strip()},
        }
        return record_decision(
            item, pending["decision"], pending["reason"], when, pending.get("opinion", ""), steps
        )


def send_back(item: Item, reason: str, *, seen: str | None = None) -> Item:
    """复审退回: the 初审 opinion is dropped, with a reason; the record waits for a new 初审."""
    if not reason.strip():
        raise ReviewError("退回初审意见必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        pending = _pending(item, seen)
        item.review_first = {}
        item.save()
        record(
            "review_returned",
            obj=item,
            object_repr=shown_as(item),
            detail={
                "first_by": pending.get("by"),
                "first_to": pending.get("decision"),
                "reason": reason.strip(),
            },
        )
    return item
