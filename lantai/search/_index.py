"""``SearchIndex``: the facade over index generations, the single writer and searching.

Concurrency model (architecture §7): one indexer process holds the writer (tantivy's lock file
enforces it: a second process gets ``WriterBusy``); any number of processes read. Readers move
to newer commits only in :meth:`SearchIndex.reload`, which ``search`` calls first by default.

Exclusion protocol that makes "closing a record takes effect at once" exact:

1. the indexer applies outbox rows, ``commit()``s, and only then marks those rows applied;
2. a searcher reads the ids of unapplied rows into ``AccessScope.exclude_ids`` and *then*
   searches (``search`` reloads first), so every row it saw as applied is in the commit it reads.

A deployment keeps two indexes of the same documents (architecture §7–8, issue 12): the full
one that staff search with the access filter inside the query, and a *public* one that holds
only the records carrying the public token. BM25 statistics, scores, timings and snippets of a
public search are then computed from public records alone, so nothing hidden can show through.
:func:`rebuild` builds both from one pass (each record analysed once).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import tantivy

from . import _counting, _store
from ._analysis import fold, query_grams, runs
from ._backend_tantivy import (
    DEFAULT_HEAP,
    Generation,
    build_document,
    load_display,
    to_document,
)
from ._compile import Compiled, Compiler
from ._counting import Counts
from ._fields import FACET_NAMES
from ._query import MAX_CLAUSES, And, Text, parse, positive_texts, relax
from ._ranking import top_hits
from ._rebuild import PUBLIC_TOKEN, Prepared, RebuildStats, rebuild
from ._schema import SCHEMA_VERSION
from ._snippets import compile_needles, make_snippet
from ._types import (
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    AccessScope,
    Hit,
    RebuildRequired,
    SearchDocument,
    SearchResult,
    SortOrder,
    clamp_page,
    clamp_per_page,
)

# The total and the facet counts run in a worker thread while this thread ranks the hits and
# cuts the snippets: tantivy releases the GIL, so on two or more cores a search costs
# max(rank, count) rather than their sum. Set False to measure the serial cost
# (bench/search/speed.py --serial-facets).
PARALLEL_FACETS = True


class SearchIndex:
    """The search index under ``path`` (a directory of generations, see ``_store``).

    With ``create=False`` a missing index is not created empty but reported as
    ``needs_rebuild``: an empty public index beside a full staff index would silently find
    nothing, where a rebuild makes it whole.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        heap_size: int = DEFAULT_HEAP,
        writer_threads: int = 0,
        create: bool = True,
    ) -> None:
        self.root = Path(path)
        self.heap_size = heap_size
        self.writer_threads = writer_threads
        self.create = create
        self._gen: Generation | None = None
        self._gen_name: str | None = None
        self._problem: str | None = None
        self._dirty = False
        self._open()

    # --- state --------------------------------------------------------------------------
    def _open(self) -> None:
        name = _store.current_name(self.root)
        if name is None and not self.create:
            self._gen, self._gen_name = None, None
            self._problem = f"index {self.root} has not been built yet: run `lantai reindex`"
            return
        if name is None:
            gen_dir = _store.new_generation(self.root)
            Generation(gen_dir, create=True)
            _store.publish(self.root, gen_dir)
            name = _store.current_name(self.root) or gen_dir.name
        self._gen, self._gen_name, self._problem = None, name, None
        try:
            gen = Generation(self.root / name)
        except (ValueError, OSError) as exc:
            self._problem = f"cannot open index generation {name}: {exc}"
            return
        if gen.version != SCHEMA_VERSION:
            self._problem = (
                f"index {name} has schema version {gen.version}, this Lantai needs "
                f"{SCHEMA_VERSION}: run `lantai reindex`"
            )
        self._gen = gen

    @property
    def needs_rebuild(self) -> bool:
        """True when the live generation is missing, unreadable or of another schema version."""
        return self._problem is not None

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def generation(self) -> str | None:
        return self._gen_name

    def _require(self) -> Generation:
        if self._problem is not None or self._gen is None:
            raise RebuildRequired(self._problem or "no index")
        return self._gen

    def reload(self) -> None:
        """Pick up the latest commit, or a newly published generation after a rebuild."""
        name = _store.current_name(self.root)
        if name is not None and name != self._gen_name and not self._dirty:
            if self._gen is not None:
                self._gen.close_writer()
            self._open()
        elif self._gen is not None:
            self._gen.index.reload()

    # --- writing (one process) ----------------------------------------------------------
    def _writer(self) -> tantivy.IndexWriter:
        if not self._dirty:
            self.reload()  # write into the live generation, even right after a rebuild
        return self._require().writer(self.heap_size, self.writer_threads)

    def add_or_replace(self, docs: Iterable[SearchDocument | Prepared]) -> int:
        """Index records, replacing any earlier version with the same id. Not visible until
        :meth:`commit`. A :class:`Prepared` record is not analysed again."""
        writer = self._writer()
        count = 0
        for doc in docs:
            writer.delete_documents_by_query(self._id_query(doc.id))
            if isinstance(doc, Prepared):
                writer.add_document(build_document(doc.fields))
            else:
                writer.add_document(to_document(doc))
            self._dirty = True
            count += 1
        return count

    def _id_query(self, record_id: int) -> tantivy.Query:
        # delete_documents_by_term silently matches nothing on u64 fields in tantivy-py 0.27;
        # a term query on the same field does match, so deletion goes through a query.
        return tantivy.Query.term_query(self._require().schema, "id", int(record_id))

    def holds_any(self, ids: Collection[int]) -> bool:
        """True when some record of ``ids`` is in the last commit this handle reads."""
        if not ids:
            return False
        gen = self._require()
        query = tantivy.Query.term_set_query(gen.schema, "id", sorted(int(i) for i in ids))
        return bool(gen.searcher().search(query, limit=1, count=False).hits)

    def delete(self, ids: Iterable[int]) -> None:
        writer = self._writer()
        for record_id in ids:
            writer.delete_documents_by_query(self._id_query(record_id))
            self._dirty = True

    def commit(self) -> None:
        """Make pending changes durable and visible to this process's searches."""
        gen = self._require()
        if self._dirty:
            gen.writer(self.heap_size, self.writer_threads).commit()
            self._dirty = False
        gen.index.reload()

    def rollback(self) -> None:
        gen = self._require()
        if self._dirty:
            gen.writer(self.heap_size, self.writer_threads).rollback()
            self._dirty = False

    def close(self) -> None:
        """Release the writer lock (uncommitted changes are discarded)."""
        if self._gen is not None:
            if self._dirty:
                self.rollback()
            self._gen.close_writer()

    def rebuild(
        self,
        docs: Iterable[SearchDocument],
        *,
        public: SearchIndex | None = None,
        public_token: str = PUBLIC_TOKEN,
    ) -> RebuildStats:
        """Build a new generation aside and switch to it (see :func:`rebuild`); with
        ``public``, that index is rebuilt in the same pass from the public records."""
        handles = [self] if public is None else [self, public]
        for handle in handles:
            if handle._gen is not None:
                handle.close()
        stats = rebuild(
            self.root,
            docs,
            heap_size=self.heap_size,
            writer_threads=self.writer_threads,
            public_path=public.root if public is not None else None,
            public_token=public_token,
        )
        for handle in handles:
            handle._open()
        return stats

    # --- reading ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        scope: AccessScope,
        *,
        facets: bool | Collection[str] = True,
        page: int = 1,
        per_page: int = 20,
        sort: SortOrder = "relevance",
        reload: bool = True,
    ) -> SearchResult:
        """Run ``query`` for ``scope``. Raises only ``RebuildRequired``; any query text works.

        ``facets`` is True (every facet in ``FACET_NAMES``), False (none) or the names to
        count; facets not counted come back empty. Counts cover exactly the records the query
        matches for ``scope`` (the same access filter, inside the engine); they are exact unless
        the set is huge, when they are estimated from a sample (``SearchResult.estimated``).
        """
        if reload:
            self.reload()
        gen = self._require()
        # Lone surrogates (undecodable bytes in a command-line argument) cannot be folded.
        query = str(query).encode("utf-8", "replace").decode("utf-8")
        page, per_page = clamp_page(page), clamp_per_page(per_page)
        offset = min((page - 1) * per_page, MAX_OFFSET)
        names = _facet_names(facets)
        root = parse(query)
        searcher = gen.searcher()
        compiler = Compiler(gen.schema, searcher)
        compiled = _safe(lambda: compiler.strict(root, scope))
        if compiled is None:  # the engine refused the structured query: plain words
            root = And(
                tuple(
                    Text(w) for w in query[:MAX_QUERY_CHARS].replace('"', " ").split()[:MAX_CLAUSES]
                )
            )
            compiled = compiler.strict(root, scope)
        bound = _safe(lambda: compiler.match_bound(root, searcher))
        bound = searcher.num_docs if bound is None else bound
        counting = _start_counting(gen, searcher, compiled, names, bound)
        found = top_hits(searcher, gen.schema, compiled, per_page, offset, sort)
        counts, relaxed = None, False
        if not found:
            counts = _finish(counting)
            loose = _safe(lambda: compiler.relaxed(root, scope)) if not counts.total else None
            if loose is not None:
                counting = _start_counting(gen, searcher, loose, names, searcher.num_docs)
                found = top_hits(searcher, gen.schema, loose, per_page, offset, sort)
                counts = _finish(counting)
                relaxed = counts.total > 0
        pattern = compile_needles(_needles(root, relaxed))
        hits = [_hit(searcher, address, score, pattern, sort) for score, address in found]
        counts = counts or _finish(counting)
        facet_counts: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
        if counts.total:
            facet_counts.update(counts.facets)
        return SearchResult(
            total=counts.total,
            hits=hits,
            facets=facet_counts,
            page=page,
            per_page=per_page,
            relaxed=relaxed,
            estimated=not counts.exact,
        )

    def __len__(self) -> int:
        return self._require().searcher().num_docs


def _facet_names(facets: bool | Collection[str]) -> tuple[str, ...]:
    if facets is True:
        return FACET_NAMES
    if not facets:
        return ()
    return tuple(name for name in FACET_NAMES if name in facets)


_pool: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """The facet thread pool of this process (a forked child makes its own: threads do not
    survive a fork)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=4, thread_name_prefix="facets"))
    return _pool[1]


Counting = Future[Counts] | Counts


def _start_counting(
    gen: Generation,
    searcher: tantivy.Searcher,
    compiled: Compiled,
    names: tuple[str, ...],
    bound: int,
) -> Counting:
    """Start counting the total and ``names`` over ``compiled.matching`` (the ranked query's
    exact set); ``bound`` is an upper bound on its size (see ``_counting``)."""
    args = (searcher, gen.schema, compiled.matching, names, bound)
    if not PARALLEL_FACETS:
        return _counting.count(*args)
    return _executor().submit(_counting.count, *args)


def _finish(counting: Counting) -> Counts:
    return counting.result() if isinstance(counting, Future) else counting


def _hit(
    searcher: tantivy.Searcher,
    address: tantivy.DocAddress,
    score: float,
    pattern: re.Pattern[str] | None,
    sort: str,
) -> Hit:
    record_id, display = load_display(searcher, address)
    return Hit(
        id=record_id,
        ref_code=display.get("ref_code") or "",
        title=display.get("title") or "",
        date=display.get("date"),
        snippet=make_snippet(display.get("body") or "", pattern),
        score=float(score) if sort == "relevance" else 0.0,
    )


def _needles(root: And, relaxed: bool) -> list[list[str]]:
    texts = [t for t in positive_texts(root) if t.field is None]
    needles = [runs(fold(t.value)) for t in texts]
    if relaxed:
        for text in relax(root)[1]:
            needles.extend([g] for g in query_grams(fold(text.value)).bag)
    return needles


T = TypeVar("T")


def _safe(build: Callable[[], T]) -> T | None:
    """Build an engine query; None if tantivy rejects it (a Rust panic is a BaseException)."""
    try:
        return build()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:
        return None
