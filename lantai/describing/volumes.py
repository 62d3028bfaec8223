"""Volumes (案卷): 组卷, adding to and taking out of a volume (拆卷), order, and its figures.

Decisions:

- **Both arrangements side by side.** A record keeps its own 件-level 档号 whatever volume it
  is filed in; the volume is a grouping with a 案卷档号 of its own and a 卷内序号 for each record
  in it, so legacy 按卷 holdings and DA/T 22 按件 records live in one catalogue.
- **The 案卷档号 follows DA/T 13: 全宗号-类别号-案卷号**, the 类别号 being the records'
  门类·年度·保管期限·机构（问题） joined by "·" (``J001-WS·2020·Y·BGS-001``). The separators differ
  from the 件-level grammar's, so a 案卷档号 can never be read as a record's 档号. The 案卷号 is
  allocated in its class under the same counter lock as 件号 (gap-free, never reused: a
  dissolved volume's number stays spent).
- **One volume, one class.** Every record of a volume shares its 门类, 年度, 保管期限 and
  机构（问题） (a volume is also one retention period on the shelf); a record already in a
  volume must be taken out first. Refusals name the records and what differs.
- **The volume's figures come from its records**: 起止日期, 页数 and 责任者 are recomputed on
  every change, never typed. 题名 and the 备考表 are the archivist's.
- Each operation is one audit event naming the volume and the records (the records' own rows
  are written with ``update``, which fires no per-record event); the records' search entries do
  not change (the volume is not a search field).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from lantai.archive.models import Fonds, Item, RefCodeCounter, Volume
from lantai.audit.chain import record
from lantai.describing.fields import FieldError, plain
from lantai.describing.selection import BulkError, selection
from lantai.preservation import outbox as package_outbox

NUMBER_WIDTH = 3  # 案卷号 as in DA/T 13's examples (001); wider once a class passes 999
MAX_TITLE = 500


class VolumeError(ValueError):
    """The volume operation cannot be done as asked; the message says why."""


def item_class(item: Item) -> tuple[str, int, str, str]:
    return (item.category, item.year, item.retention, item.org_code)


def class_code(category: str, year: int, retention: str, org: str) -> str:
    """The 类别号 of a volume: ``WS·2020·Y·BGS``."""
    return "·".join(str(p) for p in (category, year, retention, org) if str(p))


def volume_code(fonds: Fonds, klass: tuple[str, int, str, str], number: int) -> str:
    return f"{fonds.code}-{class_code(*klass)}-{number:0{NUMBER_WIDTH}d}"


def _records(user: Any, fonds: Fonds, ids: Sequence[int]) -> list[Item]:
    try:
        return selection(user, fonds, ids, lock=True)
    except BulkError as error:
        raise VolumeError(str(error)) from None


def _one_class(items: list[Item]) -> tuple[str, int, str, str]:
    classes = {item_class(i) for i in items}
    if len(classes) > 1:
        shown = "；".join(sorted(class_code(*c) for c in classes))
        raise VolumeError(
            f"所选档案不属于同一类别（{shown}）：同一案卷的档案须门类、年度、保管期限和"
            "机构（问题）都相同"
        )
    return classes.pop()


def _free(items: list[Item]) -> None:
    held = [i for i in items if i.volume_id is not None]
    if held:
        codes = "、".join(i.ref_code for i in held[:5]) + ("等" if len(held) > 5 else "")
        raise VolumeError(f"{codes} 已在其他案卷中：请先从原案卷中移出")


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise VolumeError("请填写案卷题名")
    if len(title) > MAX_TITLE:
        raise VolumeError(f"案卷题名不能超过 {MAX_TITLE} 个字符")
    try:
        return plain(title, "案卷题名")
    except FieldError as error:
        raise VolumeError(str(error)) from None


def _allocate(fonds: Fonds, klass: tuple[str, int, str, str]) -> int:
    group = "卷:" + class_code(*klass)
    RefCodeCounter.objects.bulk_create(
        [RefCodeCounter(fonds=fonds, group=group)], ignore_conflicts=True
    )
    counter = RefCodeCounter.objects.select_for_update().get(fonds=fonds, group=group)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def plan(user: Any, fonds: Fonds, ids: Sequence[int]) -> tuple[list[Item], str]:
    """The records a new volume would hold, in order, and the class it would be numbered in."""
    if not ids:
        raise VolumeError("请先勾选要组卷的档案")
    try:
        items = selection(user, fonds, ids)
    except BulkError as error:
        raise VolumeError(str(error)) from None
    _free(items)
    return items, class_code(*_one_class(items))


def build(user: Any, fonds: Fonds, ids: Sequence[int], title: str) -> Volume:
    """组卷: a new volume of the selected records, in 档号 order, with its 案卷档号."""
    title = _title(title)
    with transaction.atomic():
        items = _records(user, fonds, ids)
        _free(items)
        klass = _one_class(items)
        number = _allocate(fonds, klass)
        series = {i.series_id for i in items}
        volume = Volume.objects.create(
            fonds=fonds,
            series_id=series.pop() if len(series) == 1 else None,
            ref_code=volume_code(fonds, klass, number),
            title=title,
            category=klass[0],
            year=klass[1],
            retention=klass[2],
            org_code=klass[3],
            number=number,
        )
        for position, item in enumerate(items, 1):
            Item.objects.filter(pk=item.pk).update(volume=volume, volume_position=position)
            package_outbox.enqueue([item.pk])
        _recount(volume)
        record(
            "volume_built",
            obj=volume,
            detail={"volume": volume.ref_code, "items": [i.ref_code for i in items]},
        )
    return volume


def contents(volume: Volume) -> list[Item]:
    """The volume's records in their order (卷内序号, then 档号)."""
    return list(volume.items.order_by("volume_position", "ref_code"))


def add(user: Any, volume: Volume, codes: Sequence[str]) -> list[Item]:
    """Add the records with these 档号 (of the volume's fonds) at the end of the volume."""
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not wanted:
        raise VolumeError("请填写要加入本卷的档号，多个用逗号、顿号或换行分隔")
    with transaction.atomic():
        volume = Volume.objects.select_for_update().get(pk=volume.pk)
        visible = Item.objects.of_fonds_for(user, volume.fonds).filter(ref_code__in=wanted)
        found = {i.ref_code: i.pk for i in visible}
        missing = [c for c in wanted if c not in found]
        if missing:
            raise VolumeError("本全宗没有档号 " + "、".join(missing[:5]) + "：请核对后重新输入")
        items = _records(user, volume.fonds, [found[c] for c in wanted])
        _free(items)
        klass = _one_class(items)
        own = (volume.category, volume.year or 0, volume.retention, volume.org_code)
        if volume.category and klass != own:
            raise VolumeError(
                f"这些档案的类别（{class_code(*klass)}）与本卷（{class_code(*own)}）不同，不能加入"
            )
        last = len(contents(volume))
        typed = {code: n for n, code in enumerate(wanted)}  # in the order typed or scanned
        items.sort(key=lambda i: typed[i.ref_code])
        for offset, item in enumerate(items, 1):
            Item.objects.filter(pk=item.pk).update(volume=volume, volume_position=last + offset)
            package_outbox.enqueue([item.pk])
        _recount(volume)
        record(
            "volume_items_added",
            obj=volume,
            detail={"volume": volume.ref_code, "items": [i.ref_code for i in items]},
        )
    return items


def file_into(volume: Volume, items: list[Item]) -> None:
    """Put ``items`` (already checked: the user's, of the volume's class) at the end of
    ``volume`` in the given order, taking each out of the volume it was in, whose remaining
    records close up. No audit event: the caller (a bulk action) records one for all."""
    volume = Volume.objects.select_for_update().get(pk=volume.pk)
    left = {i.volume_id for i in items if i.volume_id is not None} - {volume.pk}
    last = len(contents(volume))
    for offset, item in enumerate(items, 1):
        Item.objects.filter(pk=item.pk).update(volume=volume, volume_position=last + offset)
        package_outbox.enqueue([item.pk])
    for old in Volume.objects.select_for_update().filter(pk__in=left).order_by("pk"):
        _renumber(old, [i.pk for i in contents(old)])
        _recount(old)
    _recount(volume)


def remove(user: Any, volume: Volume, ids: Sequence[int]) -> int:
    """拆卷: take these records out of the volume; the rest close up in their order."""
    with transaction.atomic():
        volume = Volume.objects.select_for_update().get(pk=volume.pk)
        items = _records(user, volume.fonds, ids)
        outside = [i.ref_code for i in items if i.volume_id != volume.pk]
        if outside:
            raise VolumeError("、".join(outside[:5]) + " 不在本卷中")
        Item.objects.filter(pk__in=[i.pk for i in items]).update(volume=None, volume_position=None)
        package_outbox.enqueue([i.pk for i in items])
        _renumber(volume, [i.pk for i in contents(volume)])
        _recount(volume)
        record(
            "volume_items_removed",
            obj=volume,
            detail={"volume": volume.ref_code, "items": [i.ref_code for i in items]},
        )
    return len(items)


def reorder(user: Any, volume: Volume, ordered_ids: Sequence[int]) -> None:
    """Put the volume's records in this order (every record of the volume, once)."""
    with transaction.atomic():
        volume = Volume.objects.select_for_update().get(pk=volume.pk)
        held = [i.pk for i in contents(volume)]
        if sorted(held) != sorted(ordered_ids) or len(set(ordered_ids)) != len(held):
            raise VolumeError("卷内档案已有变化，请刷新页面后重新排序")
        _records(user, volume.fonds, held)  # the user may work on every one of them
        _renumber(volume, list(ordered_ids))
        _recount(volume)
        record(
            "volume_reordered",
            obj=volume,
            detail={
                "volume": volume.ref_code,
                "order": list(
                    Item.objects.filter(volume=volume)
                    .order_by("volume_position")
                    .values_list("ref_code", flat=True)
                ),
            },
        )


def move(user: Any, volume: Volume, item_id: int, step: int) -> None:
    """Move one record up (``step`` -1) or down (+1) in its volume."""
    order = [i.pk for i in contents(volume)]
    if item_id not in order:
        raise VolumeError("该档案不在本卷中")
    at = order.index(item_id)
    to = min(max(at + step, 0), len(order) - 1)
    if to == at:
        return
    order.insert(to, order.pop(at))
    reorder(user, volume, order)


def dissolve(user: Any, volume: Volume, reason: str) -> str:
    """撤销案卷: every record out, the volume removed; its number is not given again."""
    if not (reason or "").strip():
        raise VolumeError("撤销案卷必须写明理由")
    with transaction.atomic():
        volume = Volume.objects.select_for_update().get(pk=volume.pk)
        items = contents(volume)
        if items:
            _records(user, volume.fonds, [i.pk for i in items])
        elif not Fonds.objects.assigned_to(user).filter(pk=volume.fonds_id).exists():
            raise VolumeError("只能撤销你所分管全宗中的案卷")
        package_outbox.enqueue(Item.objects.filter(volume=volume).values_list("pk", flat=True))
        Item.objects.filter(volume=volume).update(volume=None, volume_position=None)
        code = volume.ref_code
        record(
            "volume_dissolved",
            obj=volume,
            detail={"volume": code, "items": [i.ref_code for i in items], "reason": reason},
        )
        volume.delete()
    return code


def _renumber(volume: Volume, ordered_ids: list[int]) -> None:
    for position, pk in enumerate(ordered_ids, 1):
        Item.objects.filter(pk=pk, volume=volume).update(volume_position=position)
        package_outbox.enqueue([pk])


def _recount(volume: Volume) -> None:
    """起止日期, 页数 and 责任者 of the volume, from its records."""
    items = contents(volume)
    dates = sorted(i.date for i in items if i.date)
    creators = list(dict.fromkeys(i.creator for i in items if i.creator))
    pages = [i.pages for i in items if i.pages]
    Volume.objects.filter(pk=volume.pk).update(
        date_from=dates[0] if dates else "",
        date_to=dates[-1] if dates else "",
        pages=sum(pages) if pages else None,
        creator="、".join(creators)[:300],
    )
