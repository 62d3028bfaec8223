"""Writing the search outbox, and scheduling the indexer after commit.

Every change that affects search writes an outbox row inside the transaction of the change, via
model signals (single saves and deletes) or :func:`enqueue` (bulk paths such as ingest, which
bypass signals). After the transaction commits, one indexer task is enqueued; a CLI command
instead applies the outbox itself before it exits (see ``lantai.cli_base``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from lantai.search.models import SearchOutbox

# Fields whose change can take an item away from someone or change what a snippet shows.
HIDING_FIELDS = (
    "open_status",
    "fonds_id",
    "title",
    "text",
    "public_text",
    "redactions",
    "masks",
    "ref_code",
    # The body of a record without text is its description: an edit changes what snippets show.
    "description",
)
SEARCH_FIELDS = (
    *HIDING_FIELDS,
    "date",
    "year",
    "category",
    "topics",
    "series_id",
    "creator",
    "doc_number",
)

_defer_to_exit = False


def defer_to_exit() -> None:
    """For CLI processes: do not enqueue tasks; the command applies the outbox when it ends."""
    global _defer_to_exit
    _defer_to_exit = True


def enqueue(item_ids: Iterable[int], *, hides: bool) -> None:
    rows = [SearchOutbox(item_id=item_id, hides=hides) for item_id in item_ids]
    if rows:
        SearchOutbox.objects.bulk_create(rows, batch_size=1000)
        _schedule()


def _schedule() -> None:
    if _defer_to_exit:
        return
    # One indexer task per transaction, however many rows it wrote. (A flag on the connection
    # would go stale when a transaction rolls back and its callbacks are dropped.)
    pending = transaction.get_connection().run_on_commit
    if any(callback is _enqueue_indexer for _, callback, _ in pending):
        return
    transaction.on_commit(_enqueue_indexer)


def command_starting(sender: Any, short_lived: bool, **_: Any) -> None:
    """``lantai.cli_base.command_starting``: a short command applies its own changes at exit
    instead of enqueuing a task per transaction (a 16 k-item ingest commits 60 chunks)."""
    if short_lived:
        defer_to_exit()


def command_finished(sender: Any, short_lived: bool, **_: Any) -> None:
    if short_lived:
        from lantai.search.tasks import apply_if_free

        apply_if_free()


def schedule_pending() -> None:
    """Have the worker index rows nobody will apply: a process that died after committing them
    never ran its on-commit task. A CLI (``defer_to_exit``) applies the outbox itself on exit."""
    if not _defer_to_exit and SearchOutbox.objects.exists():
        _enqueue_indexer()


def _enqueue_indexer() -> None:
    from lantai.search.tasks import apply_search_outbox

    apply_search_outbox.enqueue()


def _item_pre_save(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if raw or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(*SEARCH_FIELDS).first()
    instance._search_old = old


def _item_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if raw:
        return
    old = getattr(instance, "_search_old", None)
    if created or old is None:
        enqueue([instance.pk], hides=False)  # not in the index yet: nothing to hide
        return
    changed = {f for f in SEARCH_FIELDS if old.get(f) != getattr(instance, f)}
    if changed:
        enqueue([instance.pk], hides=bool(changed & set(HIDING_FIELDS)))


def _item_deleted(sender: Any, instance: Any, **_: Any) -> None:
    enqueue([instance.pk], hides=True)


def _fonds_pre_save(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if raw or instance.pk is None:
        return
    instance._search_old = (
        sender._base_manager.filter(pk=instance.pk).values("is_public", "code").first()
    )


def _fonds_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    old = getattr(instance, "_search_old", None)
    if raw or created or old is None:
        return
    if old["is_public"] != instance.is_public or old["code"] != instance.code:
        enqueue(instance.items.values_list("pk", flat=True), hides=True)


def connect() -> None:
    from lantai.archive.models import Fonds, Item

    pre_save.connect(_item_pre_save, sender=Item, dispatch_uid="lantai_search_item_pre")
    post_save.connect(_item_saved, sender=Item, dispatch_uid="lantai_search_item_saved")
    post_delete.connect(_item_deleted, sender=Item, dispatch_uid="lantai_search_item_deleted")
    pre_save.connect(_fonds_pre_save, sender=Fonds, dispatch_uid="lantai_search_fonds_pre")
    post_save.connect(_fonds_saved, sender=Fonds, dispatch_uid="lantai_search_fonds_saved")
