"""Bulk description on a selection of records (issue 15): planned, shown, applied, one event.

Decisions:

- An action is first *planned* (:func:`plan`): for each selected record, the fields that would
  change, old → new, and the records it leaves as they are. The staff page shows the plan;
  :func:`apply` plans again inside the transaction from the rows it has locked, and refuses
  (nothing written) when that plan's fingerprint differs from the one the user confirmed, so
  what is applied is exactly what was shown — a record someone else changed meanwhile makes
  the user look again.
- The selection must lie within one fonds the user works on and be visible to them (the one
  access policy); anything else refuses the whole action rather than applying to a subset.
- The fields a 档号 is made of (年度, 门类, 保管期限, 机构（问题）) are not set in bulk: changing
  them is a renumbering, an explicit step of its own.
- One audit event (``bulk_edit``) for the whole action, naming every record and its changes;
  values are shown as the audit log shows any value (clear codes, digests of content).
  The rows are written with ``bulk_update`` (no per-record events), and the search outbox is
  told about them, since none of these fields takes a record away from anyone
  (``hides=False``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantai.archive import domains
from lantai.archive.models import Fonds, Item, Series, Volume
from lantai.audit.chain import record
from lantai.audit.digests import shown
from lantai.describing import volumes
from lantai.describing.selection import BulkError, selection
from lantai.preservation import outbox as package_outbox
from lantai.search import outbox

ACTIONS = {
    "creator": "设置责任者",
    "classification": "设置密级",
    "carrier": "设置载体",
    "add_topics": "添加主题词",
    "remove_topics": "移除主题词",
    "series": "移入类别",
    "volume": "移入案卷",
    "propose": "提出提前开放审核建议",
}


@dataclass(frozen=True)
class Change:
    item: Item
    changes: dict[str, tuple[Any, Any]]  # field → (old, new)


@dataclass
class Plan:
    action: str
    fonds: Fonds
    changed: list[Change] = field(default_factory=list)
    unchanged: list[Item] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """A digest of exactly what would be written (records, fields, old and new values)."""
        rows = [
            [c.item.pk, sorted((k, _plain(o), _plain(n)) for k, (o, n) in c.changes.items())]
            for c in self.changed
        ]
        text = json.dumps([self.action, self.fonds.pk, rows], ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, (Series, Volume)) else value


def _audited(value: Any) -> Any:
    """A value as the audit event names it: a volume by its 案卷档号, a series by its id."""
    return value.ref_code if isinstance(value, Volume) else _plain(value)


def terms_of(text: str) -> list[str]:
    """主题词 typed as a list: separated by commas (half or full width), 、 or semicolons."""
    for separator in ("，", "、", "；", ";"):
        text = text.replace(separator, ",")
    return list(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))


def plan(user: Any, fonds: Fonds, ids: Sequence[int], action: str, value: str) -> Plan:
    """What ``action`` with ``value`` would change on the selected records; nothing is written."""
    _may(user, action)
    return _plan(selection(user, fonds, ids), fonds, action, value)


def _may(user: Any, action: str) -> None:
    if action == "volume" and not user.has_perm("archive.change_volume"):
        raise BulkError("你没有整理案卷的权限，不能把档案移入案卷")


def _plan(items: list[Item], fonds: Fonds, action: str, value: str) -> Plan:
    if action not in ACTIONS:
        raise BulkError("未知的批量操作，请从列表中选择")
    new_value = _target(action, value, fonds)
    if action == "volume":
        _same_class(new_value, [i for i in items if i.volume_id != new_value.pk])
    result = Plan(action, fonds)
    for item in items:
        changes = _changes(item, action, new_value)
        if changes:
            result.changed.append(Change(item, changes))
        else:
            result.unchanged.append(item)
    return result


def _target(action: str, value: str, fonds: Fonds) -> Any:
    value = value.strip()
    if action == "classification":
        if value not in domains.CLASSIFICATIONS:
            raise BulkError("密级应为：" + "、".join(k for k in domains.CLASSIFICATIONS if k))
        return value
    if action == "carrier":
        if value not in domains.CARRIERS:
            raise BulkError("载体应为：" + "、".join(domains.CARRIERS.values()))
        return value
    if action in ("add_topics", "remove_topics"):
        terms = terms_of(value)
        if not terms:
            raise BulkError("请填写主题词，多个主题词用逗号或顿号分隔")
        return terms
    if action in ("series", "volume"):
        return _place(action, value, fonds)
    if action == "propose" and not value:
        raise BulkError("提前开放审核建议必须写明理由")
    if action == "creator" and len(value) > 500:
        raise BulkError("责任者不能超过 500 个字符")
    return value


def _place(action: str, value: str, fonds: Fonds) -> Series | Volume:
    """The 类别 (by 类别号) or 案卷 (by 案卷档号) of the fonds that records move into."""
    if action == "series":
        node = Series.objects.filter(fonds=fonds, code=value).first()
        if node is None:
            raise BulkError(f"本全宗没有类别号「{value}」，请检查后重新输入")
        return node
    found = Volume.objects.filter(fonds=fonds, ref_code=value).first()
    if found is None:
        raise BulkError(f"本全宗没有案卷档号「{value}」，请从案卷目录中复制案卷档号")
    return found


def _changes(item: Item, action: str, value: Any) -> dict[str, tuple[Any, Any]]:
    if action in ("creator", "classification", "carrier"):
        old = getattr(item, action)
        return {action: (old, value)} if old != value else {}
    if action == "add_topics":
        topics = [*item.topics, *(t for t in value if t not in item.topics)]
        return {"topics": (item.topics, topics)} if topics != item.topics else {}
    if action == "remove_topics":
        topics = [t for t in item.topics if t not in value]
        return {"topics": (item.topics, topics)} if topics != item.topics else {}
    if action == "series":
        return {"series": (item.series, value)} if item.series_id != value.pk else {}
    if action == "volume":
        return {"volume": (item.volume, value)} if item.volume_id != value.pk else {}
    # propose: only records still awaiting review, not yet proposed
    if item.open_status != "unreviewed" or item.review_proposed_at is not None:
        return {}
    return {"review_proposal": (item.review_proposal, value)}


def apply(
    user: Any, fonds: Fonds, ids: Sequence[int], action: str, value: str, fingerprint: str
) -> Plan:
    """Apply the plan the user confirmed (``fingerprint``), in one transaction and one event."""
    _may(user, action)
    with transaction.atomic():
        items = selection(user, fonds, ids, lock=True)
        planned = _plan(items, fonds, action, value)
        if planned.fingerprint != fingerprint:
            raise BulkError("所选档案在你确认之前已被修改，请查看新的修改清单后再确认")
        _write(planned)
        label = Item._meta.label_lower
        record(
            "bulk_edit",
            object_type="archive.fonds",
            object_id=str(fonds.pk),
            object_repr=f"{fonds.code} {fonds.name}"[:255],
            detail={
                "action": action,
                "count": len(planned.changed),
                "items": {
                    c.item.ref_code: {
                        k: [shown(label, _key(k), _audited(o)), shown(label, _key(k), _audited(n))]
                        for k, (o, n) in c.changes.items()
                    }
                    for c in planned.changed
                },
            },
        )
        outbox.enqueue([c.item.pk for c in planned.changed], hides=False)
        package_outbox.enqueue([c.item.pk for c in planned.changed])
    return planned


def _key(name: str) -> str:
    return f"{name}_id" if name in ("series", "volume") else name


def _same_class(volume: Volume, items: list[Item]) -> None:
    """Records moved into a volume share its class (门类, 年度, 保管期限, 机构（问题）)."""
    own = (volume.category, volume.year or 0, volume.retention, volume.org_code)
    other = [i.ref_code for i in items if volume.category and volumes.item_class(i) != own]
    if other:
        codes = "、".join(other[:5]) + ("等" if len(other) > 5 else "")
        raise BulkError(
            f"{codes} 与案卷 {volume.ref_code}（{volumes.class_code(*own)}）的门类、年度、"
            "保管期限或机构（问题）不同，不能移入该卷；请只勾选同一类别的档案"
        )


def _write(planned: Plan) -> None:
    if planned.action == "volume":
        target = planned.changed[0].changes["volume"][1] if planned.changed else None
        if target is not None:
            volumes.file_into(target, [c.item for c in planned.changed])
        return
    fields: set[str] = set()
    now = timezone.now()
    for change in planned.changed:
        for name, (_old, new) in change.changes.items():
            setattr(change.item, name, new)
            fields.add(name)
        if planned.action == "propose":
            change.item.review_proposed_at = now
            fields.add("review_proposed_at")
    items = [c.item for c in planned.changed]
    if items:
        Item.objects.bulk_update(items, sorted(fields), batch_size=500)
