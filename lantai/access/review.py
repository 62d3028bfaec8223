"""Open-review decisions (开放审核): one function every path goes through.

A decision changes the item's open status, reason and decision time in one transaction with an
explicit ``review_decision`` audit event (beside the generic field-change event), so the
decision history reads as decisions, not as anonymous field edits.

Decisions recorded here:

- The decision time is the server's clock, never a value the reviewer submits: a decision
  cannot be backdated. The only date a reviewer gives is the re-review date (复审日期), and
  one before today is refused (it would put a decision "already due" into the record).
- Masks (遮蔽词语) accumulate: each decision adds its words to those in force. Removing a
  mask is a decision of its own, with a reason, audited; the entry stays in ``Item.masks``
  with who removed it, when and why. Audit events name masks by number and field, never by
  the masked words themselves (the audit trail is read by the security auditor, who sees no
  record content).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lantai.archive.domains import OPEN_STATUSES
from lantai.archive.models import Fonds, Item
from lantai.audit.chain import record

DECISIONS = ("open", "controlled", "closed")


class ReviewError(ValueError):
    pass


def shown_as(item: Item) -> str:
    """How review events name the item: ref code and the public (masked) title."""
    from lantai.access.publication import public_rendition

    return f"{item.ref_code} {public_rendition(item).title}"[:255]


def propose(item: Item, reason: str) -> Item:
    """Put an item into the review queue before its age threshold (提前开放建议)."""
    if not reason.strip():
        raise ReviewError("提前审核建议必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        item.review_proposed_at = timezone.now()
        item.review_proposal = reason.strip()
        item.save()
        record(
            "review_proposed",
            obj=item,
            object_repr=shown_as(item),
            detail={"reason": item.review_proposal},
        )
    return item


def check_decision(decision: str, reason: str, review_again: datetime.date | None) -> None:
    """A decision's code, reason and re-review date as every step of a review requires them."""
    if decision not in DECISIONS:
        raise ReviewError(
            f"审核结论「{decision}」无效："
            "应为 open（开放）、controlled（控制使用）或 closed（延期开放）"
        )
    if not reason.strip():
        raise ReviewError("审核结论必须写明理由（--reason）")
    if review_again is not None and review_again < timezone.localdate():
        raise ReviewError(
            f"复审日期 {review_again.isoformat()} 早于今天：复审日期应为今天或以后的日期"
            "（审核时间由系统记录，不能倒签）"
        )


def two_step(item: Item) -> bool:
    """Whether the item's fonds reviews in two steps (初审 → 复审), as stored now."""
    return Fonds.objects.filter(pk=item.fonds_id, review_steps=2).exists()


def decide(
    item: Item,
    decision: str,
    reason: str,
    review_again: datetime.date | None = None,
    opinion: str = "",
) -> Item:
    """A one-step decision, in force at once. A fonds with the two-step chain refuses it: there
    a decision is a 初审 opinion (:func:`lantai.access.chain.first_review`) until another
    reviewer approves it."""
    check_decision(decision, reason, review_again)
    if two_step(item):
        raise ReviewError(
            f"全宗 {item.fonds.code} 实行两级审核（初审 → 复审）：请提交初审意见，"
            "由另一位审核员复审后生效"
        )
    return record_decision(item, decision, reason, review_again, opinion)


def record_decision(
    item: Item,
    decision: str,
    reason: str,
    review_again: datetime.date | None = None,
    opinion: str = "",
    steps: dict | None = None,
) -> Item:
    """Put a decision in force (checked by the caller: :func:`decide`, or the chain's
    approval, whose ``steps`` name the 初审 and 复审 and go into the event)."""
    check_decision(decision, reason, review_again)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        previous = item.open_status
        item.open_status = decision
        item.open_reason = reason.strip()
        item.open_decided_at = timezone.now()
        item.review_again = review_again
        item.review_first = {}
        if opinion.strip():
            item.joint_opinion = opinion.strip()
        item.save()
        record(
            "review_decision",
            obj=item,
            object_repr=shown_as(item),
            detail={
                "from": previous,
                "to": decision,
                "to_label": OPEN_STATUSES[decision],
                "reason": item.open_reason,
                "review_again": review_again.isoformat() if review_again else None,
                "joint_opinion": opinion.strip() or None,
                **({"steps": steps} if steps else {}),
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


MASKED_FIELDS = {
    "title": "题名",
    "creator": "责任者",
    "doc_number": "文号",
    "topics": "主题词",
    "description": "摘要",
    "files": "文件名",
    "text": "正文",
}


def _field_texts(item: Item) -> dict[str, list[str]]:
    names = [c.original_name for c in item.components.all()] if item.pk else []
    return {
        "title": [item.title],
        "creator": [item.creator],
        "doc_number": [item.doc_number],
        "topics": [str(t) for t in item.topics or []],
        "description": [item.description],
        "files": names,
        "text": [item.text],
    }


def _fields_with(item: Item, term: str) -> list[str]:
    """The fields (codes of MASKED_FIELDS) in which ``term`` occurs."""
    from lantai.access.redaction import find_terms

    return [
        name
        for name, texts in _field_texts(item).items()
        if any(find_terms(text, [term]) for text in texts if text)
    ]


def add_masks(item: Item, terms: list[str], reason: str) -> Item:
    """Mask ``terms`` in every public field of ``item``, on top of the masks in force.

    A word that occurs in no field is refused (it was probably mistyped, and a mask that masks
    nothing would give a false sense of safety). A word already masked is not added twice.
    """
    from lantai.access.publication import mask_words
    from lantai.access.redaction import fold_term
    from lantai.audit.context import current_actor

    terms = list(dict.fromkeys(t.strip() for t in terms if t.strip()))
    if not terms:
        return item
    if not reason.strip():
        raise ReviewError("遮蔽必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        in_force = {fold_term(t) for t in mask_words(item)}
        found = {term: _fields_with(item, term) for term in terms}
        missing = [term for term, fields in found.items() if not fields]
        if missing:
            raise ReviewError(
                "要遮蔽的词语在题名、责任者、文号、主题词、摘要、文件名和正文中都不存在："
                + "、".join(missing)
                + "。请核对词语后重新提交"
            )
        masks = list(item.masks or [])
        now = timezone.now().isoformat()
        added = []
        for term in terms:
            if fold_term(term) in in_force:
                continue
            number = max((m.get("id", 0) for m in masks), default=0) + 1
            masks.append(
                {
                    "id": number,
                    "term": term,
                    "reason": reason.strip(),
                    "fields": found[term],
                    "added_at": now,
                    "added_by": current_actor(),
                }
            )
            added.append(masks[-1])
        if not added:
            return item
        item.masks = masks
        item.save()
        record(
            "redaction",
            obj=item,
            object_repr=shown_as(item),
            detail={
                "masks": [m["id"] for m in added],
                "fields": sorted({f for m in added for f in m["fields"]}),
                "passages": _passages(item, [m["term"] for m in added]),
                "reason": reason.strip(),
            },
        )
    return item


def _passages(item: Item, terms: list[str]) -> int:
    from lantai.access.redaction import merge_spans, redaction_spans_for_terms

    return sum(
        len(merge_spans(redaction_spans_for_terms(text, terms), len(text)))
        for texts in _field_texts(item).values()
        for text in texts
        if text
    )


def remove_masks(item: Item, mask_ids: list[int], reason: str) -> Item:
    """Lift masks (by their numbers): a decision of its own, with a reason, audited."""
    from lantai.audit.context import current_actor

    if not reason.strip():
        raise ReviewError("取消遮蔽必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        active = {m["id"]: m for m in item.active_masks}
        unknown = [str(i) for i in mask_ids if i not in active]
        if unknown or not mask_ids:
            raise ReviewError(
                f"档案 {item.ref_code} 没有生效中的遮蔽 "
                + "、".join(unknown or ["（未选择）"])
                + "：请在审核页面选择要取消的遮蔽"
            )
        now = timezone.now().isoformat()
        masks = []
        for entry in item.masks:
            if entry.get("id") in mask_ids and not entry.get("removed_at"):
                entry = {
                    **entry,
                    "removed_at": now,
                    "removed_by": current_actor(),
                    "removed_reason": reason.strip(),
                }
            masks.append(entry)
        item.masks = masks
        item.save()
        record(
            "redaction_removed",
            obj=item,
            object_repr=shown_as(item),
            detail={"masks": sorted(mask_ids), "reason": reason.strip()},
        )
    return item


def redact_terms(item: Item, terms: list[str], reason: str) -> Item:
    """Mask every occurrence of ``terms`` in every public field (see :func:`add_masks`)."""
    return add_masks(item, terms, reason)
