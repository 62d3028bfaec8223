"""Editing one record's description, and registering a paper record by hand (存量档案著录).

Decisions:

- **Only description changes here.** 年度, 门类, 保管期限 and 机构（问题） are parts of the 档号 and
  change only through 改号 (``renumber.py``); 开放状态 only through open review. The fields
  this module writes are :data:`EDITABLE`.
- **Nobody overwrites a colleague's edit unseen.** The form carries a fingerprint of the values
  it showed; saving locks the row and refuses when the stored values no longer match, naming
  what to do (reload), and writes nothing.
- **One save, one audit event** listing exactly the changed fields (the audit signal compares
  the stored row), and the search outbox is told by the same signal.
- **A registered paper record gets its 档号 as a transferred one does**: allocated in its group
  under the counter's lock, gap-free, inside the transaction that creates the record, so a
  refused registration leaves neither a record nor a used number. It has no files until its
  scans are attached (数字化挂接), is 纸质 unless said otherwise, and starts closed
  (``unreviewed``) like every record.
- The volume a record is filed in changes only through the volume pages (``volumes.py``), which
  keep one class per volume and the records' order; not here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction

from lantai.archive.allocation import allocate
from lantai.archive.models import Fonds, Item

EDITABLE = (
    "title",
    "creator",
    "date",
    "doc_number",
    "pages",
    "classification",
    "carrier",
    "series",
    "topics",
    "persons",
    "description",
)
PARTS = ("category", "year", "retention", "org_code")  # of the 档号, set at registration only


class StaleEdit(ValueError):
    """The record changed after the form was shown; nothing was saved."""


class NotAssigned(PermissionError):
    """The fonds is not one the user works on."""


def fingerprint(item: Item) -> str:
    """A digest of the editable values as stored, to tell whether they changed since shown."""
    values = [getattr(item, f"{name}_id" if name == "series" else name) for name in EDITABLE]
    text = json.dumps(values, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def save_description(user: Any, item_id: int, values: dict[str, Any], seen: str) -> list[str]:
    """Write ``values`` (a subset of :data:`EDITABLE`, already validated) to the record the user
    saw as ``seen``; return the names of the fields that changed (none: nothing is written)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        item = Item.objects.select_for_update(of=("self",)).select_related("fonds").get(pk=item_id)
        if not Fonds.objects.assigned_to(user).filter(pk=item.fonds_id).exists():
            raise NotAssigned("只能修改你所分管全宗中的档案")
        if fingerprint(item) != seen:
            raise StaleEdit("该档案在你打开之后已被他人修改：请重新打开，核对后再保存")
        changed = [name for name, value in values.items() if getattr(item, name) != value]
        for name in changed:
            setattr(item, name, values[name])
        if changed:
            item.save(update_fields=[*changed, "updated_at"])
    return changed


def register(user: Any, fonds: Fonds, parts: dict[str, Any], values: dict[str, Any]) -> Item:
    """Create a paper record in ``fonds`` with a newly allocated 档号.

    ``parts`` holds :data:`PARTS` (validated), ``values`` the described fields."""
    if not Fonds.objects.assigned_to(user).filter(pk=fonds.pk).exists():
        raise NotAssigned("只能在你所分管的全宗中登记档案")
    group_parts = {
        "category": parts["category"],
        "year": str(parts["year"]),
        "retention": parts["retention"],
        "org": parts["org_code"],
    }
    if parts.get("series"):
        group_parts["series"] = parts["series"]
    with transaction.atomic():
        ref_code = allocate(fonds, group_parts)[0]
        return Item.objects.create(
            fonds=fonds,
            ref_code=ref_code,
            number=fonds.grammar.parse(ref_code).number,
            category=parts["category"],
            year=int(parts["year"]),
            retention=parts["retention"],
            org_code=parts["org_code"],
            **{"carrier": "paper", **values},
        )
