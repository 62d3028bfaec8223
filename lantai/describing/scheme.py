"""The fonds' classification scheme (分类方案: 类别 tree) and its description (全宗介绍), kept
by its archivists in the portal rather than the admin.

Decisions:

- **Scoped by the caller's fonds**: every function takes the fonds the page resolved through
  ``Fonds.objects.assigned_to``, and looks a 类别 up inside it only; a parent from another
  fonds is "not found", never an error that names it.
- **A 类别 is added, renamed or removed, not moved**: a record's place in the tree is its
  ``series.path`` (a prefix match for "this node and below"); moving a node would re-path its
  whole subtree and every list built on it, so a wrongly placed node is removed (when empty)
  and added again. A node with records, volumes or children below it is never removed: the
  message says what is left there.
- **类别号 are short ASCII codes** (``WS``, ``01``, ``A.2``), unique among siblings, as the
  类别号 part of a 档号 needs; the name is free Chinese text.
- **The fonds' name, 档案馆名称 and 全宗介绍 are the archivist's; 公开目录 too**, since it is the
  fonds-wide switch the public catalogue obeys: turning it off hides every record of the fonds
  at once (the search outbox re-queues them, ``lantai.search.outbox``). The 全宗号, the 档号
  template and the 件号 width stay with the operator (``lantai fonds``): they are in every 档号
  already given. Every change is audited by the model signals (``lantai.audit.signals``).
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from lantai.archive.models import Fonds, Series
from lantai.preservation import outbox as package_outbox

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,31}")


class SchemeError(Exception):
    """A change to the scheme refused (message in Chinese, naming the field and what to do)."""


def _clean(code: str, name: str) -> tuple[str, str]:
    code, name = code.strip(), " ".join(name.split())
    if not CODE.fullmatch(code):
        raise SchemeError(
            f"类别号「{code}」无效：应为 1 至 32 个字母、数字、点或连字符，以字母或数字开头"
        )
    if not name:
        raise SchemeError("类别名称不能为空")
    if len(name) > 200:
        raise SchemeError("类别名称不能超过 200 字")
    return code, name


def node(fonds: Fonds, series_id: int | None) -> Series | None:
    """The fonds' 类别 ``series_id``; None for the root; SchemeError when it is not the fonds'."""
    if series_id is None:
        return None
    found = Series.objects.filter(fonds=fonds, pk=series_id).first()
    if found is None:
        raise SchemeError("没有这个类别，请刷新页面后重试")
    return found


def _taken(fonds: Fonds, parent: Series | None, code: str, exclude: int | None = None) -> bool:
    siblings = Series.objects.filter(fonds=fonds, parent=parent, code=code)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    return siblings.exists()


def add(fonds: Fonds, parent_id: int | None, code: str, name: str) -> Series:
    code, name = _clean(code, name)
    parent = node(fonds, parent_id)
    if _taken(fonds, parent, code):
        raise SchemeError(f"同一上级类别下已有类别号「{code}」，请换一个")
    try:
        with transaction.atomic():
            return Series.objects.create(fonds=fonds, parent=parent, code=code, name=name)
    except IntegrityError:  # a concurrent add of the same code
        raise SchemeError(f"同一上级类别下已有类别号「{code}」，请换一个") from None


def rename(fonds: Fonds, series_id: int, code: str, name: str) -> Series:
    code, name = _clean(code, name)
    series = node(fonds, series_id)
    assert series is not None
    if _taken(fonds, series.parent, code, exclude=series.pk):
        raise SchemeError(f"同一上级类别下已有类别号「{code}」，请换一个")
    series.code, series.name = code, name
    series.save()
    package_outbox.enqueue(series.items.values_list("pk", flat=True))  # their packages name it
    return series


def remove(fonds: Fonds, series_id: int) -> str:
    """Remove an empty 类别; returns its label."""
    series = node(fonds, series_id)
    assert series is not None
    left = []
    if series.children.exists():
        left.append(f"{series.children.count()} 个下级类别")
    if series.items.exists():
        left.append(f"{series.items.count()} 件档案")
    if series.volumes.exists():
        left.append(f"{series.volumes.count()} 个案卷")
    if left:
        raise SchemeError(
            f"类别「{series.code} {series.name}」下还有{'、'.join(left)}：请先移走后再删除"
        )
    label = f"{series.code} {series.name}"
    series.delete()
    return label


def describe(
    fonds: Fonds,
    *,
    name: str,
    archive_name: str,
    description: str,
    is_public: bool,
    review_steps: int | None = None,
) -> Fonds:
    """The fonds' description and settings (the review process as
    :meth:`Fonds.review_steps_refusal` allows)."""
    name = " ".join(name.split())
    if not name:
        raise SchemeError("全宗名称不能为空")
    if review_steps is not None:
        refusal = fonds.review_steps_refusal(review_steps)
        if refusal:
            raise SchemeError(refusal)
        fonds.review_steps = review_steps
    fonds.name = name[:200]
    fonds.archive_name = " ".join(archive_name.split())[:200]
    fonds.description = description.strip()
    fonds.is_public = is_public
    fonds.save()
    return fonds
