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


def propose(item: Item, reason: str) -> Item:
    """Put an item into the review queue before its age threshold (提前开放建议)."""
    if not reason.strip():
        raise ReviewError("提前审核建议必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        item.review_proposed_at = timezone.now()
        item.review_proposal = reason.strip()
        item.save()
        record("review_proposed", obj=item, detail={"reason": item.review_proposal})
    return item


def decide(
    item: Item,
    decision: str,
    reason: str,
    review_again: datetime.date | None = None,
    opinion: str = "",
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
        if opinion.strip():
            item.joint_opinion = opinion.strip()
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
                "joint_opinion": opinion.strip() or None,
            },
        )
    return item


def set_redactions(item: Item, spans: list[tuple[int, int]], reason: str) -> Item:
    """Mask passages of the item's text for the public (遮蔽); an empty list removes masking.

    The public text is computed once here, in the same transaction as the search-outbox row the
    change writes, so the masked passages never reach the index, snippets or copies. The audit
    event records how many passages were masked and why, never their content.
    """
    from lantai.access.redaction import apply_redactions

    if spans and not reason.strip():
        raise ReviewError("遮蔽必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        item.redactions = [{"start": s, "end": e, "reason": reason.strip()} for s, e in spans]
        item.public_text = apply_redactions(item.text, spans) if spans else ""
        item.save()
        record("redaction", obj=item, detail={"passages": len(spans), "reason": reason.strip()})
    return item


def redact_terms(item: Item, terms: list[str], reason: str) -> Item:
    """Mask every occurrence of ``terms`` (Traditional/Simplified-insensitive)."""
    from lantai.access.redaction import redaction_spans_for_terms

    terms = [t.strip() for t in terms if t.strip()]
    spans = redaction_spans_for_terms(item.text, terms) if terms else []
    if terms and not spans:
        raise ReviewError("要遮蔽的词语在正文中不存在：" + "、".join(terms))
    return set_redactions(item, spans, reason)
