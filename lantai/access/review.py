"""Open-review decisions (开放审核): one function every path goes through.

A decision changes the item's open status, reason and decision time in one transaction with an
explicit ``review_decision`` audit event (beside the generic field-change event), so the
decision history reads as decisions, not as anonymous field edits.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lantai.archive.domains import OPEN_STATUSES
from lantai.archive.models import Item
from lantai.audit.chain import record

DECISIONS = ("open", "controlled", "closed")


class ReviewError(ValueError):
    pass


def decide(
    item: Item, decision: str, reason: str, review_again: datetime.date | None = None
) -> Item:
    if decision not in DECISIONS:
        raise ReviewError(
            f"审核结论「{decision}」无效："
            "应为 open（开放）、controlled（控制使用）或 closed（延期开放）"
        )
    if not reason.strip():
        raise ReviewError("审核结论必须写明理由（--reason）")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        previous = item.open_status
        item.open_status = decision
        item.open_reason = reason.strip()
        item.open_decided_at = timezone.now()
        item.review_again = review_again
        item.save()
        record(
            "review_decision",
            obj=item,
            detail={
                "from": previous,
                "to": decision,
                "to_label": OPEN_STATUSES[decision],
                "reason": item.open_reason,
                "review_again": review_again.isoformat() if review_again else None,
            },
        )
    return item
