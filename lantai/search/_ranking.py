"""The top hits of a compiled query, without counting (``_counting`` counts, in parallel).

tantivy-py collects every search through a multi-collector, so tantivy's own block-max WAND
never runs: ranking costs time in proportion to the records scored, and intersecting a common
word with the access filter costs as much again. Single-term queries (the ones that match a
large share of an archive) take one of two shortcuts, tried in order, each exact:

**Title tier.** ``Compiled.tier`` ranks only the records whose title holds the term, with their
``ranked`` scores. Any other record scores at most the sum, over the clauses it can match, of
BM25's ceiling ``idf × (k1 + 1) × boost`` — computed here with tantivy's own document count and
document frequencies. When the last wanted tier hit scores above that ceiling, no other record
can enter the page and the tier's hits are the answer.

Ranking every match costs time in proportion to the matches: a common word on a 1 M-record
archive matches hundreds of thousands of records, all intersected with the access filter and
**Candidates.** Otherwise ``Compiled.unfiltered`` (the ranked query without the access filter
and the other filters, which all score 0) is ranked, and only the candidates the real query
accepts are kept:

1. take the top ``k`` of ``unfiltered`` (a superset of the matches, with the same scores);
2. ask the engine which of those records ``matching`` accepts (access filter, pending-change
   exclusions, date and code filters included) — one query restricted to their ids;
3. the accepted candidates, in candidate order, are exactly the top of ``ranked`` as long as
   enough of them are left (or the candidates ran out): a record outside the candidates scores
   no higher than the last candidate. Otherwise ``k`` grows, and past ``MAX_K`` the exhaustive
   query runs instead.

Visibility is therefore decided by the engine for every hit returned, exactly as before; the
shortcuts only decide which records are looked at.
"""

from __future__ import annotations

import json
import math

import tantivy

from ._compile import Compiled, Tier

FIRST_K = 64
GROWTH = 8
MAX_K = 4096
BM25_K1 = 1.2  # tantivy's
# tantivy scores in 32-bit floats; this margin keeps the ceiling above any rounding of them.
CEILING_MARGIN = 1e-4

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
    if compiled.tier is not None:
        tiered = _tiered(searcher, schema, compiled.tier, offset + limit)
        if tiered is not None:
            return tiered[offset : offset + limit]
    if compiled.unfiltered is not None:
        pruned = _pruned(searcher, schema, compiled, offset + limit)
        if pruned is not None:
            return pruned[offset : offset + limit]
    return searcher.search(compiled.ranked, limit, count=False, offset=offset).hits


def _tiered(
    searcher: tantivy.Searcher, schema: tantivy.Schema, tier: Tier, need: int
) -> Hits | None:
    """The first ``need`` hits of ``ranked`` from its title tier, or None if records outside
    the tier could still score as high."""
    hits = searcher.search(tier.query, need, count=False).hits
    if len(hits) < need:
        return None
    ceiling = outside_ceiling(searcher, schema, tier, hits[0][1])
    if ceiling is None or hits[-1][0] <= ceiling:
        return None
    return hits


def outside_ceiling(
    searcher: tantivy.Searcher, schema: tantivy.Schema, tier: Tier, inside: tantivy.DocAddress
) -> float | None:
    """The highest score a record outside ``tier`` could have, or None if unknown.

    tantivy's BM25 is ``boost × idf × (k1 + 1) × tf / (tf + k1 × length factor)``, below
    ``boost × idf × (k1 + 1)`` for any tf (a phrase's idf is the sum of its terms' idf, its tf
    the phrase count). Each idf is ``ln(1 + (N − n + 0.5) / (n + 0.5))`` with N counting deleted
    records too, so N is read from tantivy's explanation of the first match term on a record
    of the tier (which holds it), n from the searcher.
    """
    field, tokens, _ = tier.outside[0]
    try:
        explained = tantivy.Query.term_query(schema, field, tokens[0]).explain(searcher, inside)
        total = _explained_doc_count(json.loads(explained.to_json()))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # any failure, a Rust panic included, only skips the shortcut
        return None
    if total is None:
        return None
    ceiling = 0.0
    for field, tokens, boost in tier.outside:
        idf = sum(_idf(total, searcher.doc_freq(field, token)) for token in tokens)
        ceiling += boost * idf * (BM25_K1 + 1)
    return ceiling * (1 + CEILING_MARGIN)


def _idf(total: float, n: int) -> float:
    return math.log(1 + (total - n + 0.5) / (n + 0.5))


def _explained_doc_count(node: dict) -> float | None:
    if str(node.get("description", "")).startswith("N,"):
        return float(node["value"])
    for child in node.get("details") or ():
        found = _explained_doc_count(child)
        if found is not None:
            return found
    return None


def _pruned(
    searcher: tantivy.Searcher, schema: tantivy.Schema, compiled: Compiled, need: int
) -> Hits | None:
    """The first ``need`` hits of ``ranked`` found through ``unfiltered``, or None if that takes
    more than ``MAX_K`` candidates (most of the best-scoring records are not visible)."""
    k = max(FIRST_K, 4 * need)
    while k <= MAX_K:
        candidates = searcher.search(compiled.unfiltered, k, count=False).hits
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
    # A union of id terms lets the intersection start from these few records; a term-set
    # query would build a bitset per segment first (4× slower here at 1 M records).
    terms = [tantivy.Query.term_query(schema, "id", int(i)) for i in ids if i is not None]
    only = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms])
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, matching), (tantivy.Occur.Must, only)]
    )
    ok = {_key(a) for _, a in searcher.search(query, len(candidates), count=False).hits}
    return [(score, address) for score, address in candidates if _key(address) in ok]


def _key(address: tantivy.DocAddress) -> tuple[int, int]:
    return address.segment_ord, address.doc
