"""The top hits of a compiled query, without counting (``_counting`` counts, in parallel).

tantivy-py collects every search through a multi-collector, so tantivy's own block-max WAND
never runs: ranking costs time in proportion to the records scored, and intersecting a common
word with the access filter costs as much again. Queries of one text plus filters (the ones
that match a large share of an archive) take these shortcuts, tried in order, each exact:

**Tiers.** Each of ``Compiled.tiers`` ranks a few records with their ``ranked`` scores: first
the records whose title holds the text, then, for a common text, the records where one of its
grams is dense or whose title holds it (``_impact``). Any other record scores at most the sum,
over the clauses it can match, of a ceiling: BM25's ``idf × (k1 + 1) × boost`` in general, or
``idf × cold_ceiling × boost`` where the record is known not to be dense — computed here with
tantivy's own document count, document frequencies and average field lengths. When the last
wanted tier hit scores above that ceiling, no other record can enter the page and the tier's
hits are the answer.

**Candidates.** Otherwise, for a single term, ``Compiled.unfiltered`` (the ranked query
without the access filter and the other filters, which all score 0) is ranked, and only the
candidates the real query accepts are kept:

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
from typing import Any

import tantivy

from . import _impact
from ._compile import Compiled
from ._tiers import Bound, Tier

FIRST_K = 64
GROWTH = 8
MAX_K = 4096
BM25_K1 = _impact.BM25_K1
STATS_TRIES = 3  # tier hits asked for a field's statistics before giving up on a tighter bound
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
    for tier in compiled.tiers:
        tiered = _tiered(searcher, schema, tier, offset + limit)
        if tiered is not None:
            return tiered[offset : offset + limit]
    if compiled.unfiltered is not None:
        pruned = _pruned(searcher, schema, compiled.unfiltered, compiled.matching, offset + limit)
        if pruned is not None:
            return pruned[offset : offset + limit]
    return searcher.search(compiled.ranked, limit, count=False, offset=offset).hits


def _tiered(
    searcher: tantivy.Searcher, schema: tantivy.Schema, tier: Tier, need: int
) -> Hits | None:
    """The first ``need`` hits of ``ranked`` from ``tier``, or None if records outside the
    tier could still score as high."""
    hits = searcher.search(tier.query, need, count=False).hits
    if len(hits) < need:
        return None
    ceiling = outside_ceiling(searcher, schema, tier, [address for _, address in hits])
    if ceiling is None or hits[-1][0] <= ceiling:
        return None
    return hits


def outside_ceiling(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    tier: Tier,
    inside: list[tantivy.DocAddress],
) -> float | None:
    """The highest score a record outside ``tier`` could have, or None if unknown.

    tantivy's BM25 is ``boost × idf × (k1 + 1) × tf / (tf + k1 × length factor)``, below
    ``boost × idf × (k1 + 1)`` for any tf (a phrase's idf is the sum of its terms' idf, its tf
    the phrase count); for a record known to be cold at an impact level the tf factor is below
    ``_impact.cold_ceiling`` instead. Each idf is ``ln(1 + (N − n + 0.5) / (n + 0.5))`` with N
    counting deleted records too, so N and the average field lengths are read from tantivy's
    explanation of a term on records of the tier (``inside``, which hold them), n from the
    searcher.
    """
    first = tier.outside[0]
    first_stats = _field_stats(searcher, schema, first.field, first.tokens[0], inside)
    if first_stats is None:
        return None
    total = first_stats[0]
    stats: dict[str, tuple[float, float] | None] = {first.field: first_stats}
    ceiling = 0.0
    for bound in tier.outside:
        idf = sum(_idf(total, searcher.doc_freq(bound.field, token)) for token in bound.tokens)
        ceiling += bound.boost * idf * _tf_ceiling(searcher, schema, bound, inside, stats)
    return ceiling * (1 + CEILING_MARGIN)


def _tf_ceiling(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    bound: Bound,
    inside: list[tantivy.DocAddress],
    stats: dict[str, tuple[float, float] | None],
) -> float:
    """The bound's tf factor ceiling; a field's statistics are read once per search and kept
    in ``stats`` (None: tantivy could not explain them, the plain ceiling applies)."""
    if bound.level is None:
        return BM25_K1 + 1
    if bound.field not in stats:
        token = bound.tokens[0]
        stats[bound.field] = _field_stats(searcher, schema, bound.field, token, inside)
    found = stats[bound.field]
    if found is None:
        return BM25_K1 + 1
    return _impact.cold_ceiling(bound.level, bound.field, found[1])


def _field_stats(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    field: str,
    token: str,
    inside: list[tantivy.DocAddress],
) -> tuple[float, float] | None:
    """(N, average length of ``field``) from tantivy's explanation of ``token`` on
    the first of ``inside`` that holds it; None if none does or tantivy cannot explain."""
    term = tantivy.Query.term_query(schema, field, token)
    for address in inside[:STATS_TRIES]:
        try:
            explained = json.loads(term.explain(searcher, address).to_json())
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # not held there, or any failure, a Rust panic included
            continue
        total = _explained(explained, "N,")
        average = _explained(explained, "avgdl,")
        if total is not None and average is not None:
            return total, average
    return None


def _idf(total: float, n: int) -> float:
    return math.log(1 + (total - n + 0.5) / (n + 0.5))


def _explained(node: dict[str, Any], label: str) -> float | None:
    """The value of the first node of a tantivy explanation whose description starts with
    ``label``."""
    if str(node.get("description", "")).startswith(label):
        return float(node["value"])
    for child in node.get("details") or ():
        found = _explained(child, label)
        if found is not None:
            return found
    return None


def _pruned(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    unfiltered: tantivy.Query,
    matching: tantivy.Query,
    need: int,
) -> Hits | None:
    """The first ``need`` hits of ``ranked`` found through ``unfiltered`` and kept when
    ``matching`` (the access-filtered query) holds them, or None if that takes more than
    ``MAX_K`` candidates (most of the best-scoring records are not visible)."""
    k = max(FIRST_K, 4 * need)
    while k <= MAX_K:
        candidates = searcher.search(unfiltered, k, count=False).hits
        kept = accepted(searcher, schema, matching, candidates)
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
