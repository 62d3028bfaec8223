"""档号 allocation: unique and gap-free per group, safe under concurrent allocators.

Inside the caller's transaction we make sure the group's counter row exists (an insert that
ignores a conflict, so two first allocators do not fail each other), then lock it with
``SELECT … FOR UPDATE`` and increment. The lock is held until the caller commits, so the
next allocator sees the committed number; if the caller rolls back, so does the increment, and
no number is lost. SQLite serialises writers with ``BEGIN IMMEDIATE`` instead of row locks.
"""

from __future__ import annotations

from django.db import transaction

from lantai.archive.models import Fonds, RefCodeCounter


def allocate(fonds: Fonds, parts: dict[str, str], count: int = 1) -> list[str]:
    """Allocate ``count`` consecutive 档号 in the group that ``parts`` (all but 件号) name."""
    grammar = fonds.grammar
    parts = {**parts, "fonds": fonds.code}
    group = grammar.group_of({**parts, "number": "0"})
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("档号分配必须在事务中进行（与档案记录一同提交）")
    RefCodeCounter.objects.bulk_create(
        [RefCodeCounter(fonds=fonds, group=group)], ignore_conflicts=True
    )
    counter = RefCodeCounter.objects.select_for_update().get(fonds=fonds, group=group)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [grammar.render({**parts, "number": n}) for n in range(first, first + count)]


def reserve_existing(fonds: Fonds, ref_code: str) -> None:
    """Record a 档号 that arrived with a transfer, so later allocations continue after it."""
    parsed = fonds.grammar.parse(ref_code)
    RefCodeCounter.objects.bulk_create(
        [RefCodeCounter(fonds=fonds, group=parsed.group)], ignore_conflicts=True
    )
    counter = RefCodeCounter.objects.select_for_update().get(fonds=fonds, group=parsed.group)
    if parsed.number > counter.last_number:
        counter.last_number = parsed.number
        counter.save(update_fields=["last_number"])
