"""Totals and facet counts: exact, or estimated from a fixed sample when the set is huge.

Counting every match is one pass over every visible record the query matches. For a common
word on a 1 M-record archive that is hundreds of thousands of records intersected with the
access filter, 10–30 ms on two cores — more than the whole search budget. Lucene answers the
same problem by stopping its hit count at 1,000 and sampling facets
(``RandomSamplingFacetsCollector``); Lantai does the same, in the open:

* Every record carries nested sample tokens (``s2`` … ``s1024``, field ``sample``): a record is
  in the 1-in-*r* sample when a fixed hash of its id is divisible by *r*. The samples do not
  depend on fonds, date or ingest order, and they never change for a record.
* When the query's match count cannot exceed ``EXACT_UP_TO`` (its rarest required term is that
  rare) counting is exact. Otherwise the same query is counted inside the smallest sample
  expected to hold about ``SAMPLE_TARGET`` matches, and the figures are scaled up and rounded to
  three significant digits. When that sample holds fewer than ``MIN_SAMPLED`` matches (filters
  such as a date range cut the set below the bound), what it found sizes a denser sample, and
  when it found no more than ``EXACT_UP_TO`` records the count is exact after all.
* Both passes count ``compiled.matching``: the access filter and the pending-change exclusions
  are inside it, so an estimate is made only of records the searcher may see.

``Counts.exact`` says which happened; pages and the API show an estimate as "about N".
"""

from __future__ import annotations

from dataclasses import dataclass

import tantivy

from ._fields import FACET_SIZES

SAMPLE_RATES = tuple(1 << n for n in range(1, 11))  # 2 … 1024
EXACT_UP_TO = 10_000
SAMPLE_TARGET = 4_000
SAMPLE_GAIN = 2  # sample only when it walks at most half the records the query would
MIN_SAMPLED = 300  # ±5.8 % relative standard error on the total, at worst
_TOTAL = "_total"
_MASK64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    facets: dict[str, dict[str, int]]
    exact: bool = True


def sample_tokens(record_id: int) -> list[str]:
    """The sample tokens of a record: ``s<r>`` for every rate r whose sample holds it."""
    h = _mix(int(record_id))
    return [f"s{rate}" for rate in SAMPLE_RATES if h % rate == 0]


def _mix(x: int) -> int:
    """splitmix64's finaliser: consecutive ids land in unrelated samples."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def rate_for(bound: int) -> int:
    """The smallest sample rate expected to leave about ``SAMPLE_TARGET`` of ``bound``."""
    for rate in SAMPLE_RATES:
        if bound / rate <= SAMPLE_TARGET:
            return rate
    return SAMPLE_RATES[-1]


def count(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    matching: tantivy.Query,
    names: tuple[str, ...],
    bound: int,
) -> Counts:
    """Total and facet counts of ``matching``; ``bound`` is an upper bound on its size."""
    rate = rate_for(bound) if bound > EXACT_UP_TO and _cheaper(searcher, bound) else 1
    while rate > 1:
        sampled = _aggregate(searcher, _within(schema, matching, rate), names)
        if sampled.total >= MIN_SAMPLED:
            return _scaled(sampled, rate)
        # Filters left fewer matches than the bound said: a denser sample, sized by what
        # this one found, or the exact count when that leaves too few to estimate from.
        found = sampled.total * rate
        denser = _denser(found)
        rate = denser if found > EXACT_UP_TO and denser < rate else 1
    return _aggregate(searcher, matching, names)


def _denser(found: int) -> int:
    """The sparsest sample expected to hold twice ``MIN_SAMPLED`` of ``found`` records (1: none
    does, count exactly)."""
    for rate in reversed(SAMPLE_RATES):
        if found / rate >= 2 * MIN_SAMPLED:
            return rate
    return 1


def _cheaper(searcher: tantivy.Searcher, bound: int) -> bool:
    """Whether counting inside the sample saves real work. The engine walks the smallest list
    of records a query requires: the sample's (index size / rate) only when it is well below
    the query's own (``bound``); otherwise the exact count costs about as much (a pair of
    mid-frequency words, whose bound is loose and whose real set is small)."""
    return searcher.num_docs / rate_for(bound) * SAMPLE_GAIN <= bound


def _within(schema: tantivy.Schema, matching: tantivy.Query, rate: int) -> tantivy.Query:
    sample = tantivy.Query.term_query(schema, "sample", f"s{rate}")
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, matching), (tantivy.Occur.Must, sample)]
    )


def _aggregate(searcher: tantivy.Searcher, query: tantivy.Query, names: tuple[str, ...]) -> Counts:
    """One pass of tantivy aggregations: a value count of ``id`` (one per record) for the
    total, a terms aggregation per facet (bucket sizes above each facet's cardinality)."""
    aggs: dict[str, dict[str, dict[str, object]]] = {_TOTAL: {"value_count": {"field": "id"}}}
    aggs.update({name: {"terms": {"field": name, "size": FACET_SIZES[name]}} for name in names})
    raw = searcher.aggregate(query, aggs)
    facets = {}
    for name in names:
        buckets = raw.get(name, {}).get("buckets", [])
        facets[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
    total = int(raw.get(_TOTAL, {}).get("value") or 0)
    return Counts(total, facets)


def _scaled(sampled: Counts, rate: int) -> Counts:
    facets = {
        name: {key: approx(n * rate) for key, n in values.items()}
        for name, values in sampled.facets.items()
    }
    return Counts(approx(sampled.total * rate), facets, exact=False)


def approx(n: int) -> int:
    """``n`` rounded to three significant digits (an estimate should not look exact)."""
    digits = len(str(abs(n)))
    return int(round(n, -(digits - 3))) if digits > 3 else n
