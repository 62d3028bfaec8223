from __future__ import annotations

from django_tasks import task


@task()
def apply_search_outbox() -> int:
    """Apply pending search changes (enqueued after each committing transaction)."""
    from lantai.search.indexer import apply_unless_full

    return apply_unless_full() or 0
