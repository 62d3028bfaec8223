"""Building a whole index generation aside and publishing it (``rebuild``), and the one
analysis a record gets for both indexes (``prepare``). Plain Python over tantivy.

A rebuild never disturbs readers: the new generation is written in its own directory and
switched in by ``_store.publish``; the public index (the records carrying
:data:`PUBLIC_TOKEN`) is built in the same pass from the same analysis and published first (see
:func:`rebuild`). ``SearchIndex.rebuild`` (``_index``) closes and reopens its handles around it.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tantivy

from . import _store
from ._backend_tantivy import DEFAULT_HEAP, Analysed, Generation, analyse, build_document
from ._types import SearchDocument

# The token of records the public may see (``lantai.archive.visibility.PUBLIC_TOKEN``: the policy is
# the one definition, this core only needs its value to split a rebuild).
PUBLIC_TOKEN = "public"


@dataclass(slots=True)
class RebuildStats:
    generation: str
    records: int
    seconds: float
    # The public index built beside it (``rebuild(..., public_path=...)``), if any.
    public_generation: str | None = None
    public_records: int = 0


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record analysed once (the Python-side work), to be added to both the staff and the
    public index without analysing it twice (see :func:`prepare`)."""

    id: int
    access: tuple[str, ...]
    fields: Analysed


def prepare(doc: SearchDocument) -> Prepared:
    fields = analyse(doc)
    return Prepared(fields["id"], tuple(fields["access"]), fields)


def rebuild(
    path: str | Path,
    docs: Iterable[SearchDocument],
    *,
    heap_size: int = DEFAULT_HEAP,
    writer_threads: int = 0,
    analysed: Iterable[Analysed] | None = None,
    public_path: str | Path | None = None,
    public_token: str = PUBLIC_TOKEN,
) -> RebuildStats:
    """Build a complete new generation from ``docs`` aside, then publish it atomically.

    Readers keep serving the previous generation meanwhile and switch on their next
    ``reload()``. Changes the live indexer applied during the rebuild went to the old
    generation: re-apply the outbox from the rebuild's starting point afterwards. On failure
    the half-built generation is removed and the live one is untouched. ``analysed`` may supply
    pre-analysed documents (``_backend_tantivy.analyse`` output, e.g. from worker processes)
    instead of ``docs``.

    With ``public_path``, the records whose access tokens include ``public_token`` also go to
    a new generation of the public index there, from the same analysis. The public one is
    published first: if the process dies between the two swaps, the live public index is the
    new one (built from the same records as the new staff one) beside the old staff one, and
    the outbox rows the rebuild covers are still pending (the caller deletes them after this
    returns), so both indexes keep excluding every record whose visibility changed.
    """
    started = time.perf_counter()
    building: list[_Building] = []  # in publishing order: the public index first (see above)
    public: _Building | None = None
    try:
        if public_path is not None:
            public = _Building(Path(public_path), heap_size, writer_threads)
            building.append(public)
        staff = _Building(Path(path), heap_size, writer_threads)
        building.append(staff)
        for b in building:
            b.start()
        items = analysed if analysed is not None else map(analyse, docs)
        for item in items:
            staff.add(build_document(item))
            if public is not None and public_token in item["access"]:
                public.add(build_document(item))
        for b in building:
            b.finish()
    except BaseException:
        for b in building:
            b.discard()
        raise
    for b in building:
        b.publish()
    return RebuildStats(
        staff.gen_dir.name,
        staff.count,
        time.perf_counter() - started,
        public.gen_dir.name if public else None,
        public.count if public else 0,
    )


class _Building:
    """One generation being built aside by :func:`rebuild`."""

    def __init__(self, root: Path, heap_size: int, writer_threads: int) -> None:
        self.root, self.heap_size, self.writer_threads = root, heap_size, writer_threads
        self.gen_dir = _store.new_generation(root)
        self.count = 0
        self._gen: Generation | None = None
        self._writer: tantivy.IndexWriter | None = None

    def start(self) -> None:
        self._gen = Generation(self.gen_dir, create=True)
        self._writer = self._gen.writer(self.heap_size, self.writer_threads)

    def add(self, document: tantivy.Document) -> None:
        assert self._writer is not None
        self._writer.add_document(document)
        self.count += 1

    def finish(self) -> None:
        assert self._writer is not None and self._gen is not None
        self._writer.commit()
        self._gen.close_writer()

    def discard(self) -> None:
        # Stop the writer's threads first: they may still be writing segment files, and a
        # directory removed under them would be left half-deleted.
        if self._writer is not None and self._gen is not None:
            with contextlib.suppress(BaseException):
                self._writer.rollback()
            with contextlib.suppress(BaseException):
                self._gen.close_writer()
        shutil.rmtree(self.gen_dir, ignore_errors=True)

    def publish(self) -> None:
        _store.publish(self.root, self.gen_dir)
        _store.prune(self.root)
