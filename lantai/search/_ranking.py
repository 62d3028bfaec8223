"""The top hits of a compiled query, without counting (``_counting`` counts, in parallel).

Ranking every match costs time in proportion to the matches: a common word on a 1 M-record
archive matches hundreds of thousands of records, all intersected with the access filter and
scored. For single-term queries ``Compiled.prunable`` lets tantivy rank with block-max WAND,
which skips blocks of records that cannot enter the top k, and this module keeps only the
candidates the real query accepts:

1. take the top ``k`` of ``prunable`` (a superset of the matches, with the same scores);
2. ask the engine which of those records ``matching`` accepts (access filter, pending-change
   exclusions, date and code filters included) — one query restricted to their ids;
3. the accepted candidates, in candidate order, are exactly the top of ``ranked`` as long as
   enough of them are left (or the candidates ran out): a record outside the candidates scores
   no higher than the last candidate. Otherwise ``k`` grows, and past ``MAX_K`` the exhaustive
   query runs instead.

Visibility is therefore decided by the engine for every hit returned, exactly as before; the
pruning only decides which records are looked at.
"""

from __future__ import annotations

import tantivy

from ._compile import Compiled

FIRST_K = 64
GROWTH = 8
MAX_K = 4096

Hits = list[tuple[float, tantivy.DocAddress]]


def top_hits(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    compiled: Compiled,
    limit: int,
    offset: int,
    sort: str,
) -> Hits:
    """The page ``offset:offset+limit`` of ``compiled.ranked`` in ``sort`` order."""
    if sort == "date":
        return searcher.search(
            compiled.ranked,
            limit,
            count=False,
            order_by_field="date_key",
            offset=offset,
            order=tantivy.Order.Desc,
        ).hits
    if compiled.prunable is not None:
        pruned = _pruned(searcher, schema, compiled, offset + limit)
        if pruned is not None:
            return pruned[offset : offset + limit]
    return searcher.search(compiled.ranked, limit, count=False, offset=offset).hits


def _pruned(
    searcher: tantivy.Searcher, schema: tantivy.Schema, compiled: Compiled, need: int
) -> Hits | None:
    """The first ``need`` hits of ``ranked`` found through ``prunable``, or None if that takes
    more than ``MAX_K`` candidates (most of the best-scoring records are not visible)."""
    k = max(FIRST_K, 4 * need)
    while k <= MAX_K:
        candidates = searcher.search(compiled.prunable, k, count=False).hits
        kept = accepted(searcher, schema, compiled.matching, candidates)
        if len(kept) >= need or len(candidates) < k:
            return kept[:need]
        k *= GROWTH
    return None


def accepted(
    searcher: tantivy.Searcher, schema: tantivy.Schema, matching: tantivy.Query, candidates: Hits
) -> Hits:
    """The candidates that ``matching`` matches, in their given order."""
    if not candidates:
        return []
    ids = searcher.fast_field_values("id", [address for _, address in candidates])
    only = tantivy.Query.term_set_query(schema, "id", [int(i) for i in ids if i is not None])
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, matching), (tantivy.Occur.Must, only)]
    )
    ok = {_key(a) for _, a in searcher.search(query, len(candidates), count=False).hits}
    return [(score, address) for score, address in candidates if _key(address) in ok]


def _key(address: tantivy.DocAddress) -> tuple[int, int]:
    return address.segment_ord, address.doc
