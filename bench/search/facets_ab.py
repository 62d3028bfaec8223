"""A/B of the facet path on the speed corpus: the pre-1 M flow against today's, interleaved.

    .venv/bin/python bench/search/facets_ab.py --records 1000000

"before" re-creates the earlier flow from today's parts: access as one term-set query, rank
and snippet, then all five facet aggregations over the *ranked* query, one after the other.
"after" is ``SearchIndex.search`` with the public facets. Each query runs both ways back to
back (order alternating), so machine load hits both alike. Needs speed.py's index.
"""

from __future__ import annotations

import argparse
import os
import time

import tantivy
from _common import OUT, require
from speed import PUBLIC_FACETS, make_queries, percentiles

from lantai.search import FACET_NAMES, AccessScope, SearchIndex
from lantai.search._compile import Compiler
from lantai.search._query import parse


def _term_set_access(self: Compiler, scope: AccessScope) -> tantivy.Query:
    allowed = tantivy.Query.term_set_query(self.schema, "access", sorted(scope.tokens))
    return tantivy.Query.const_score_query(allowed, 0.0)


def before(index: SearchIndex, query: str, scope: AccessScope) -> None:
    gen = index._require()
    current = Compiler.access_filter
    Compiler.access_filter = _term_set_access  # type: ignore[method-assign]
    try:
        index.search(query, scope, per_page=10, facets=False, reload=False)  # rank + snippets
        ranked = Compiler(gen.schema).strict(parse(query), scope).ranked
        gen.facets(gen.searcher(), ranked, FACET_NAMES)
    finally:
        Compiler.access_filter = current  # type: ignore[method-assign]


def after(index: SearchIndex, query: str, scope: AccessScope) -> None:
    index.search(query, scope, per_page=10, facets=PUBLIC_FACETS, reload=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    corpus = require(OUT / f"corpus-{args.records}.jsonl")
    index = SearchIndex(OUT / "speed" / f"lantai-{args.records}")
    scope = AccessScope.public()
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for label, queries in make_queries(corpus, args.seed).items():
        times: dict[str, list[float]] = {"before": [], "after": []}
        for rnd in range(2):  # round 0 warms the page cache
            for i, q in enumerate(queries):
                order = (before, after) if i % 2 else (after, before)
                for fn in order:
                    t0 = time.perf_counter()
                    fn(index, q, scope)
                    if rnd:
                        times[fn.__name__].append(time.perf_counter() - t0)
        b, a = percentiles(times["before"]), percentiles(times["after"])
        print(f"{label:12} before p50/p95 {b[0]:6.2f} {b[1]:6.2f}   after {a[0]:6.2f} {a[1]:6.2f}")
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
