"""The search app's tasks, and when a process applies the outbox itself.

The indexer (``lantai.search.indexer``) knows nothing of tasks; this module decides who applies
pending changes: the worker's task after each committing transaction, or a short command on
its way out (:func:`apply_if_free`, see ``lantai.search.outbox``), handing over to the worker
when another process holds an index writer.
"""

from __future__ import annotations

from django_tasks import task

from lantai.search import WriterBusy
from lantai.search.indexer import apply_unless_full
from lantai.search.models import SearchOutbox


@task()
def apply_search_outbox() -> int:
    """Apply pending search changes (enqueued after each committing transaction)."""
    return apply_unless_full() or 0


def apply_if_free() -> bool:
    """Apply the outbox unless another process holds a writer (the worker's task applies it
    then) or the index disk is full (see :func:`~lantai.search.indexer.apply_unless_full`);
    whether the index is now up to date."""
    if not SearchOutbox.objects.exists():
        return True
    try:
        return apply_unless_full() is not None
    except WriterBusy:
        apply_search_outbox.enqueue()
        return False
