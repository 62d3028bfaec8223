"""Applying the search outbox to the two tantivy indexes, and rebuilding them from the database.

Two indexes of the same documents (issue 12): the *staff* index holds every record and is
searched with the access filter inside the query; the *public* index (``INDEX_DIR/public``)
holds only the records whose access tokens include ``PUBLIC_TOKEN`` — exactly what the public
may see, by the one visibility policy — so a public search's term statistics, scores, timing and
snippets cannot reflect a hidden record. Both are fed from the same outbox rows, in the same
order, from the same :func:`to_document` output.

One writer per index at a time (tantivy's lock): whoever applies takes the writers, commits,
and releases them, so the CLI and the worker can take turns. If a writer is busy, the rows stay
in the outbox for the holder's next pass and nothing is lost.

Order of one batch, and why (a crash can fall between any two steps):

1. the public index drops the batch's records that are no longer public, and commits;
2. the staff index takes the batch (upserts and deletions), and commits;
3. the public index takes the batch's public records (new, re-opened or edited), and commits;
4. only then are the outbox rows deleted.

So at every instant the public index holds no record that the staff index (or the database)
no longer says is public: a record leaves the public index before the staff index stops saying
so, and enters it only after. Until step 4 the rows are pending, so the exact exclusion of
pending hiding changes (``SearchOutbox.hides``, applied by ``service``) still covers both
indexes; after a crash the rows are applied again, which is idempotent (upserts replace by id,
deleting an absent id is a no-op).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

from django.conf import settings

from lantai.archive.models import Item
from lantai.archive.visibility import PUBLIC_TOKEN, item_search_tokens
from lantai.faults import disk_full, summary
from lantai.search import OpenStatus, RebuildStats, SearchDocument, SearchIndex, prepare
from lantai.search.models import SearchOutbox

log = logging.getLogger(__name__)
BATCH = 2000
# Outbox passes index at most BATCH records per commit, so a small single-threaded writer
# suffices; tantivy keeps a writer's arenas until the process exits, and the default
# 128 MB over 2 threads made a 16 k-item ingest peak ~80 MB higher (bench/ingest/RESULTS.md).
# ``lantai reindex`` passes its own larger heap.
OUTBOX_HEAP = 40_000_000
OUTBOX_WRITER_THREADS = 1
# The public index lives inside the staff index's root (its generations are ``gen-*`` beside
# it, so neither prunes the other), which keeps it under whatever ``INDEX_DIR`` says.
PUBLIC_SUBDIR = "public"
_lock = threading.Lock()


class Indexes:
    """This process's handles on the staff and the public index."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.staff = SearchIndex(
            self.root, heap_size=OUTBOX_HEAP, writer_threads=OUTBOX_WRITER_THREADS
        )
        # A missing public index is made empty only when there is nothing to be public yet
        # (a new installation); beside a staff index with records (an upgrade from the
        # one-index layout) it reports ``needs_rebuild``, and the indexer rebuilds both.
        empty = self.staff.needs_rebuild or len(self.staff) == 0
        self.public = SearchIndex(
            self.root / PUBLIC_SUBDIR,
            heap_size=OUTBOX_HEAP,
            writer_threads=OUTBOX_WRITER_THREADS,
            create=empty,
        )

    @property
    def needs_rebuild(self) -> bool:
        return self.staff.needs_rebuild or self.public.needs_rebuild

    def close(self) -> None:
        """Release both writers (uncommitted changes are discarded)."""
        self.staff.close()
        self.public.close()


_index: Indexes | None = None
_index_dir = None


def get_indexes() -> Indexes:
    """This process's index handles (reopened if ``INDEX_DIR`` changed, e.g. in tests)."""
    global _index, _index_dir
    with _lock:
        if _index is None or _index_dir != settings.INDEX_DIR:
            if _index is not None:
                _index.close()
            _index = Indexes(settings.INDEX_DIR)
            _index_dir = settings.INDEX_DIR
        return _index


def get_index() -> SearchIndex:
    """The staff index: every record, searched with the access filter in the query."""
    return get_indexes().staff


def get_public_index() -> SearchIndex:
    """The public index: only records whose access tokens include ``PUBLIC_TOKEN``."""
    return get_indexes().public


def is_public(doc: SearchDocument) -> bool:
    """Whether a record belongs to the public index: exactly "its tokens (from
    ``item_search_tokens``) include ``PUBLIC_TOKEN``"."""
    return PUBLIC_TOKEN in doc.access


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
        series_path=item.series.path if item.series is not None else "",
        open_status=cast(OpenStatus, item.open_status),  # the model's choices are the same four
        access=item_search_tokens(item),
    )


def _items(ids: list[int]) -> Iterator[Item]:
    return Item.objects.filter(pk__in=ids).select_related("fonds", "series", "batch").iterator(500)


def apply_outbox(batch: int = BATCH) -> int:
    """Apply every pending outbox row to both indexes; return how many rows were applied.

    An index of another schema version (an upgrade changed the schema), or a public index that
    was never built, is rebuilt from the database first: a schema change triggers a rebuild,
    not a failing worker. The order of each batch is explained in the module docstring.
    """
    indexes = get_indexes()
    if indexes.needs_rebuild:
        rebuild_from_database()
    staff, public = indexes.staff, indexes.public
    applied = 0
    try:
        while rows := list(SearchOutbox.objects.order_by("id")[:batch]):
            ids = sorted({row.item_id for row in rows})
            docs = [to_document(item) for item in _items(ids)]
            found = [prepare(doc) for doc in docs]  # analysed once for both indexes
            shown = [ready for ready, doc in zip(found, docs, strict=True) if is_public(doc)]
            leaving = set(ids) - {doc.id for doc in shown}
            public.reload()
            if public.holds_any(leaving):  # most batches (new, unreviewed records) skip this
                public.delete(leaving)
                public.commit()
            staff.add_or_replace(found)
            staff.delete(set(ids) - {doc.id for doc in found})
            staff.commit()
            if shown:
                public.add_or_replace(shown)
                public.commit()
            SearchOutbox.objects.filter(pk__in=[row.pk for row in rows]).delete()
            applied += len(rows)
    finally:
        indexes.close()  # release the writers so the next applier (CLI or worker) can take them
    return applied


def apply_unless_full() -> int | None:
    """:func:`apply_outbox`, except that a full index disk is a warning, not a failure: the
    change is saved and its outbox rows stay (they are deleted only after both indexes commit),
    so the next applier (any later ``lantai`` command, the worker, ``serve``'s start-up catch-up)
    indexes them once there is space. None when the disk was full."""
    try:
        return apply_outbox()
    except Exception as error:  # WriterBusy is raised on too: the caller handles it
        if not disk_full(error):
            raise
        log.warning(
            "警告：检索索引所在磁盘已满（%s）：改动已保存，但检索暂未更新；"
            "释放空间后，下一条 lantai 命令或服务会自动补上。（%s）",
            settings.INDEX_DIR,
            summary(error),
        )
        return None


def rebuild_from_database(progress: Callable[[int], None] | None = None) -> RebuildStats:
    """Build new generations of both indexes from every item, in one pass, and swap them in
    (the public one first, see ``lantai.search.rebuild``); readers keep serving meanwhile."""
    start_mark = SearchOutbox.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def documents() -> Iterator[SearchDocument]:
        queryset = Item.objects.select_related("fonds", "series", "batch").order_by("pk")
        for n, item in enumerate(queryset.iterator(1000), 1):
            if progress and n % 500 == 0:
                progress(n)
            yield to_document(item)

    indexes = get_indexes()
    stats = indexes.staff.rebuild(documents(), public=indexes.public, public_token=PUBLIC_TOKEN)
    # Rows written before the rebuild started are covered by it; later ones still apply.
    SearchOutbox.objects.filter(pk__lte=start_mark).delete()
    return stats
