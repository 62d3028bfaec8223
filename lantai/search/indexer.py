"""Applying the search outbox to the tantivy index, and rebuilding it from the database.

One writer at a time (tantivy's lock): whoever applies takes the writer, commits, and releases
it, so the CLI and the worker can take turns. If the writer is busy, the rows stay in the
outbox for the holder's next pass and nothing is lost. Rows are deleted by id only after the
index commit, so a crash between the two re-applies them (upserts are idempotent).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from django.conf import settings

from lantai.access.policy import item_search_tokens
from lantai.archive.models import Item
from lantai.search import RebuildStats, SearchDocument, SearchIndex, WriterBusy
from lantai.search.models import SearchOutbox

BATCH = 2000
# Outbox passes index at most BATCH records per commit, so a small single-threaded writer
# suffices; tantivy keeps a writer's arenas until the process exits, and the default
# 128 MB over 2 threads made a 16 k-item ingest peak ~80 MB higher (bench/ingest/RESULTS.md).
# ``lantai reindex`` passes its own larger heap.
OUTBOX_HEAP = 40_000_000
OUTBOX_WRITER_THREADS = 1
_lock = threading.Lock()
_index: SearchIndex | None = None
_index_dir = None


def get_index() -> SearchIndex:
    """This process's index handle (reopened if ``INDEX_DIR`` changed, e.g. in tests)."""
    global _index, _index_dir
    with _lock:
        if _index is None or _index_dir != settings.INDEX_DIR:
            if _index is not None:
                _index.close()
            _index = SearchIndex(
                settings.INDEX_DIR, heap_size=OUTBOX_HEAP, writer_threads=OUTBOX_WRITER_THREADS
            )
            _index_dir = settings.INDEX_DIR
        return _index


def to_document(item: Item) -> SearchDocument:
    from lantai.access.publication import public_rendition

    # Only the public rendition enters the index (both indexes: archivists of other fonds search
    # it too); staff of the item's fonds read the unmasked record on the item page. The body is
    # the masked text, or, without text, the masked description (reviewed like the body).
    shown = public_rendition(item)
    return SearchDocument(
        id=item.pk,
        ref_code=item.ref_code,
        title=shown.title,
        body=shown.body or shown.description,
        date=item.date or str(item.year),
        year=item.year,
        fonds=item.fonds.code,
        category=item.category,
        topics=shown.topics,
        series_path=item.series.path if item.series_id else "",
        open_status=item.open_status,
        access=item_search_tokens(item),
    )


def _items(ids: list[int]) -> Iterator[Item]:
    return Item.objects.filter(pk__in=ids).select_related("fonds", "series").iterator(500)


def apply_outbox(batch: int = BATCH) -> int:
    """Apply every pending outbox row; return how many rows were applied.

    An index of another schema version (an upgrade changed the schema) is rebuilt from the
    database first: a schema change triggers a rebuild, not a failing worker.
    """
    index = get_index()
    if index.needs_rebuild:
        rebuild_from_database()
    applied = 0
    try:
        while rows := list(SearchOutbox.objects.order_by("id")[:batch]):
            ids = sorted({row.item_id for row in rows})
            found = [to_document(item) for item in _items(ids)]
            index.add_or_replace(found)
            index.delete(set(ids) - {doc.id for doc in found})
            index.commit()
            SearchOutbox.objects.filter(pk__in=[row.pk for row in rows]).delete()
            applied += len(rows)
    finally:
        index.close()  # release the writer so the next applier (CLI or worker) can take it
    return applied


def apply_if_free() -> bool:
    """Apply the outbox unless another process holds the writer (it will apply it then)."""
    if not SearchOutbox.objects.exists():
        return True
    try:
        apply_outbox()
    except WriterBusy:
        from lantai.search.tasks import apply_search_outbox

        apply_search_outbox.enqueue()
        return False
    return True


def rebuild_from_database(progress: Callable[[int], None] | None = None) -> RebuildStats:
    """Build a new generation from every item and swap it in; readers keep serving."""
    start_mark = SearchOutbox.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def documents() -> Iterator[SearchDocument]:
        queryset = Item.objects.select_related("fonds", "series").order_by("pk")
        for n, item in enumerate(queryset.iterator(1000), 1):
            if progress and n % 500 == 0:
                progress(n)
            yield to_document(item)

    stats = get_index().rebuild(documents())
    # Rows written before the rebuild started are covered by it; later ones still apply.
    SearchOutbox.objects.filter(pk__lte=start_mark).delete()
    return stats
