"""The records a staff action works on: a selection in one fonds, all visible to the user.

Decisions:

- The selection must lie within one fonds the user works on and be visible to them (the one
  access policy); anything else refuses the whole action rather than applying to a subset.
- At most :data:`MAX_ITEMS` records at once: a plan longer than that no one reads before
  confirming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lantai.archive.models import Fonds, Item

MAX_ITEMS = 1000  # one page of a bulk plan a person can still read


class BulkError(ValueError):
    """The action cannot be planned or applied as asked; the message says why, in Chinese."""


def selection(user: Any, fonds: Fonds, ids: Sequence[int], *, lock: bool = False) -> list[Item]:
    """The selected records, all of them in ``fonds`` and visible to ``user``, or BulkError."""
    if not ids:
        raise BulkError("请先勾选要批量修改的档案")
    if len(set(ids)) > MAX_ITEMS:
        raise BulkError(f"一次最多批量修改 {MAX_ITEMS} 件，请缩小筛选范围后分批进行")
    if not Fonds.objects.assigned_to(user).filter(pk=fonds.pk).exists():
        raise BulkError("只能批量修改你所分管全宗中的档案")
    items = Item.objects.of_fonds_for(user, fonds).filter(pk__in=set(ids)).order_by("ref_code")
    if lock:  # the records themselves (PostgreSQL cannot lock the nullable side of a join)
        items = items.select_for_update(of=("self",))
    found = list(items.select_related("series", "volume"))
    if len(found) != len(set(ids)):
        raise BulkError("所选档案中有不属于本全宗或你无权查看的记录，本次未作任何修改")
    return found
