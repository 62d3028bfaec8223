"""Explicit, audited renumbering (改号, issue 15): a 档号 stays true to its parts.

Decisions:

- A 档号 is made of the record's 年度, 门类, 保管期限 and 机构（问题） (with the fonds and 件号;
  the fonds' own template decides the order). Changing any of them changes the number, so they
  change only here, together, never one field at a time behind the number's back.
- The new 件号 is allocated in the new group exactly as ingest allocates (gap-free, under the
  counter's lock), so the new 档号 collides with nothing. The old number is not given back (the
  group's counter has passed it): it becomes an alias (``RefCodeAlias``) that the item page
  redirects, so a citation of the old 档号 still leads to the record.
- The plan shows the old parts, the new ones and the group the number comes from; applying
  re-checks inside the transaction from the locked row and refuses when the record changed in
  between. A reason is required. One ``renumber`` audit event records old and new 档号, each
  changed part and the reason (beside the rows the allocation counter and the alias write as
  any change does); the search outbox is told (the 档号 is shown in results).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from lantai.archive import domains
from lantai.archive.allocation import allocate
from lantai.archive.models import Fonds, Item, RefCodeAlias
from lantai.archive.refcode import PARTS, RefCodeError
from lantai.audit.chain import record
from lantai.preservation import outbox as package_outbox
from lantai.search import outbox

# 档号 part → the Item field holding it.
PART_FIELDS = {"year": "year", "category": "category", "retention": "retention", "org": "org_code"}
PART_LABELS = {part: PARTS[part].label for part in PART_FIELDS}  # the grammar's own labels


class RenumberError(ValueError):
    """The renumbering cannot be planned or applied as asked; the message says why."""


@dataclass(frozen=True)
class Renumbering:
    item: Item
    old_code: str
    parts: dict[str, str]  # every part of the new 档号 but 件号
    group: str
    changes: dict[str, tuple[str, str]]  # part → (old, new)


def current_parts(item: Item) -> dict[str, str]:
    """The record's 档号 parts as its fields hold them."""
    return {part: str(getattr(item, name)) for part, name in PART_FIELDS.items()}


def plan(user: Any, item: Item, wanted: dict[str, str]) -> Renumbering:
    """The renumbering ``wanted`` (part → new value) asks for; nothing is written."""
    fonds = item.fonds
    if not Fonds.objects.assigned_to(user).filter(pk=fonds.pk).exists():
        raise RenumberError("只能为你所分管全宗中的档案改号")
    if item.volume is not None:
        raise RenumberError(
            f"该档案在案卷 {item.volume.ref_code} 中，改号会使其与案卷的类别不符："
            "请先移出本卷再改号"
        )
    grammar = fonds.grammar
    try:
        parsed = grammar.parse(item.ref_code)
    except RefCodeError as error:
        raise RenumberError(f"现档号「{item.ref_code}」无法解析：{error}") from None
    old = current_parts(item)
    new = {part: _clean(part, wanted.get(part, old[part])) for part in PART_FIELDS}
    changes = {p: (old[p], new[p]) for p in PART_FIELDS if old[p] != new[p]}
    if not changes:
        raise RenumberError("档号的组成部分没有变化，无需改号")
    parts = {**parsed.parts, **{p: v for p, v in new.items() if p in parsed.parts}}
    parts.pop("number", None)
    try:
        grammar.parse(grammar.render({**parts, "number": 1}))
    except RefCodeError as error:
        raise RenumberError(str(error)) from None
    return Renumbering(
        item, item.ref_code, parts, grammar.group_of({**parts, "number": "0"}), changes
    )


def _clean(part: str, value: str) -> str:
    value = str(value).strip()
    if part == "year":
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise RenumberError(f"年度应为四位数字，如 2020（收到「{value}」）")
        return value
    try:
        if part == "category":
            return domains.normalise_category(value)
        if part == "retention":
            return domains.normalise_retention(value)  # 长期/短期 read as today's codes
    except domains.DomainError as error:
        raise RenumberError(str(error)) from None
    if not value:
        raise RenumberError("机构（问题）代码不能为空")
    return value


def apply(user: Any, item_id: int, wanted: dict[str, str], reason: str, old_code: str) -> str:
    """Renumber as planned for the 档号 the user saw (``old_code``); return the new 档号."""
    if not reason.strip():
        raise RenumberError("改号必须写明理由")
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("fonds").get(pk=item_id)
        if item.ref_code != old_code:
            raise RenumberError("该档案的档号在你确认之前已被修改，请重新查看后再改号")
        planned = plan(user, item, wanted)
        new_code = allocate(item.fonds, planned.parts)[0]
        number = item.fonds.grammar.parse(new_code).number
        fields: dict[str, Any] = {
            PART_FIELDS[p]: (int(v) if p == "year" else v) for p, (_o, v) in planned.changes.items()
        }
        # One event for the whole renumbering (below), not an "update" per field.
        Item.objects.filter(pk=item.pk).update(ref_code=new_code, number=number, **fields)
        RefCodeAlias.objects.create(fonds=item.fonds, old_code=old_code, item=item)
        record(
            "renumber",
            obj=item,
            object_repr=f"{old_code} → {new_code}",
            detail={
                "old": old_code,
                "new": new_code,
                "changes": {p: list(c) for p, c in planned.changes.items()},
                "reason": reason.strip(),
            },
        )
        outbox.enqueue([item.pk], hides=True)
        package_outbox.enqueue([item.pk])
    return new_code
