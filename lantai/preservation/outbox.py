"""Writing the package outbox, and draining it after commit (see :mod:`.packages`).

Every change that may alter a record's state writes an outbox row inside its transaction:
the Item and Component signals for single saves, :func:`enqueue` on the bulk paths that bypass
them (bulk edits, renumbering, volumes, attached scans, a renamed series). After the commit
one task drains it; a short command drains it itself on its way out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from lantai.archive.models import Component, Item
from lantai.preservation.models import PackageOutbox
from lantai.preservation.packages import refresh_due

_defer_to_exit = False


def enqueue(item_ids: Iterable[int]) -> None:
    rows = [PackageOutbox(item_id=pk) for pk in item_ids]
    if rows:
        PackageOutbox.objects.bulk_create(rows, batch_size=1000)
        _schedule()


def _schedule() -> None:
    if _defer_to_exit:
        return
    pending = transaction.get_connection().run_on_commit
    if any(callback is _enqueue_task for _, callback, _ in pending):
        return
    transaction.on_commit(_enqueue_task)


def _enqueue_task() -> None:
    from lantai.preservation.tasks import refresh_packages

    refresh_packages.enqueue()


# Signals: any saved record or new file may change the state (the state decides, see above).


def _item_saved(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        enqueue([instance.pk])


def _component_saved(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        enqueue([instance.item_id])


def connect() -> None:
    from django.db.models.signals import post_save

    post_save.connect(_item_saved, sender=Item, dispatch_uid="lantai_packages_item")
    post_save.connect(_component_saved, sender=Component, dispatch_uid="lantai_packages_file")


def command_starting(sender: Any, short_lived: bool, **_: Any) -> None:
    global _defer_to_exit
    if short_lived:
        _defer_to_exit = True


def command_finished(sender: Any, short_lived: bool, **_: Any) -> None:
    if short_lived and PackageOutbox.objects.exists():
        refresh_due()
