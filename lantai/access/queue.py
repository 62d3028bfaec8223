"""The open-review queue (开放审核): which items a reviewer should decide now.

An item is in the queue when it is unreviewed, belongs to a fonds the reviewer is assigned to,
and its formation year plus its category's threshold (``LANTAI_OPEN_RULES``, default
``LANTAI_OPEN_AFTER_YEARS``) has been reached. The age rule is expressed as one database
filter per configured category, so the queue pages through millions of items cheaply; the
per-series refinements of :mod:`lantai.access.opening` apply when deciding, not when listing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from lantai.access.flags import Flag, scan
from lantai.archive.models import Fonds, Item


def due_condition(today: datetime.date) -> Q:
    rules = {code.upper(): years for code, years in settings.OPEN_RULES.items()}
    condition = Q(year__lte=today.year - settings.OPEN_AFTER_YEARS) & ~Q(category__in=list(rules))
    for category, years in rules.items():
        condition |= Q(category=category, year__lte=today.year - years)
    return condition


def queue_for(
    user: Any,
    today: datetime.date,
    *,
    fonds: str = "",
    year: str = "",
    series: str = "",
    stage: str = "",
) -> QuerySet[Item]:
    """Records due for review in the user's fonds; ``stage`` ``first`` keeps those without a
    初审 opinion, ``second`` those whose opinion waits for the 复审 (two-step fonds)."""
    due = due_condition(today) | Q(review_proposed_at__isnull=False)
    # Through the access predicate (a voided batch's records are in no one's queue), and of
    # the user's own fonds only (the public's open records are not unreviewed anyway).
    items = Item.objects.visible_to(user).filter(open_status="unreviewed").filter(due)
    items = items.filter(fonds__in=Fonds.objects.assigned_to(user))
    if fonds:
        items = items.filter(fonds__code=fonds)
    if series:  # a series code: that node and everything below it in the tree
        path = _series_path(series, fonds)
        if path is None:
            return Item.objects.none()
        items = items.filter(series__path__startswith=path)
    if year.isdigit():
        items = items.filter(year=int(year))
    if stage == "first":
        items = items.filter(review_first={})
    elif stage == "second":
        items = items.exclude(review_first={})
    return items.select_related("fonds").order_by("year", "ref_code").distinct()


def _series_path(code: str, fonds: str) -> str | None:
    from lantai.archive.models import Series

    node = Series.objects.filter(code=code, **({"fonds__code": fonds} if fonds else {})).first()
    return node.path if node else None


def flags_for(item: Item) -> list[Flag]:
    return scan(
        item.text or "",
        title=item.title,
        description=item.description or "",
        sensitive_terms=settings.SENSITIVE_TERMS,
    )


@dataclass(frozen=True)
class FlagGroup:
    """One flagged value, however often it occurs: its first occurrence, how many there are and
    in which fields (the reviewer reads a repeated telephone number once)."""

    flag: Flag
    count: int
    fields: tuple[str, ...]


def grouped_flags(item: Item) -> list[FlagGroup]:
    """:func:`flags_for`, each flagged value (kind and matched words) once, in first-seen order."""
    sources = {"text": item.text or "", "title": item.title, "description": item.description or ""}
    groups: dict[tuple[str, str], list[Flag]] = {}
    for flag in flags_for(item):
        matched = sources.get(flag.field, "")[flag.start : flag.end]
        groups.setdefault((flag.kind, matched), []).append(flag)
    return [
        FlagGroup(found[0], len(found), tuple(dict.fromkeys(f.field for f in found)))
        for found in groups.values()
    ]


def next_in_queue(user: Any, item: Item, today: datetime.date, **filters: str) -> Item | None:
    """The queue's record after ``item`` (in queue order: year, then 档号), or its first when
    ``item`` was the last; None when nothing else is waiting."""
    rest = queue_for(user, today, **filters).exclude(pk=item.pk)
    after = rest.filter(Q(year__gt=item.year) | Q(year=item.year, ref_code__gt=item.ref_code))
    return after.first() or rest.first()


def queue_counts(user: Any, today: datetime.date) -> list[dict[str, Any]]:
    """How many records wait per fonds and year: ``[{"fonds", "year", "count"}]``."""
    rows = (
        queue_for(user, today)
        .order_by()
        .values("fonds__code", "year")
        .annotate(count=Count("pk", distinct=True))
        .order_by("fonds__code", "year")
    )
    return [{"fonds": r["fonds__code"], "year": r["year"], "count": r["count"]} for r in rows]
