"""A/B of exact against pruned ranking + sampled counting on the speed corpus, interleaved.

    .venv/bin/python bench/search/facets_ab.py --records 1000000

"exact" is ``SearchIndex.search`` with both ranking shortcuts switched off and every count
exact (the session-2 flow: every match ranked, counted and faceted). "current" is
``SearchIndex.search`` as shipped: single-text queries ranked through the title tier, the
impact tiers or candidates checked by the engine's filter (``lantai/search/_ranking.py``,
``_impact.py``), totals and facets of
huge sets estimated from the fixed sample (``lantai/search/_counting.py``). Each query runs both
ways back to back (order alternating), so machine load hits both alike.

Besides the latencies it checks the answers: the hits of the two flows must be the same records
in the same order, and it prints how far the estimated totals and the larger facet counts
(≥ 5 % of the total) are from the exact ones. Needs speed.py's index.
"""

from __future__ import annotations

import argparse
import os
import time

from _common import OUT, require
from speed import PUBLIC_FACETS, make_queries, percentiles

from lantai.search import AccessScope, SearchIndex, _counting
from lantai.search._compile import Compiler


def exact(index: SearchIndex, query: str, scope: AccessScope):
    exact_up_to = _counting.EXACT_UP_TO
    _counting.EXACT_UP_TO = 10**12
    try:
        return exact_ranking(index, query, scope, facets=PUBLIC_FACETS)
    finally:
        _counting.EXACT_UP_TO = exact_up_to


def exact_ranking(index: SearchIndex, query: str, scope: AccessScope, page: int = 1, facets=False):
    """The search with every ranking shortcut off: every match is ranked."""
    single_text = Compiler._single_text
    Compiler._single_text = lambda self, root: None  # type: ignore[method-assign]
    try:
        return index.search(query, scope, per_page=10, page=page, facets=facets, reload=False)
    finally:
        Compiler._single_text = single_text  # type: ignore[method-assign]


def current(index: SearchIndex, query: str, scope: AccessScope):
    return index.search(query, scope, per_page=10, facets=PUBLIC_FACETS, reload=False)


def _total_error(fast, slow) -> float:
    return abs(fast.total - slow.total) / max(1, slow.total)


def _facet_errors(fast, slow) -> list[float]:
    """Relative errors of every facet count ≥ 5 % of the exact total (the values a reader
    would click; rarer ones carry few sampled records each)."""
    out = []
    for name, values in slow.facets.items():
        for key, real in values.items():
            if real >= 0.05 * slow.total:
                out.append(abs(fast.facets.get(name, {}).get(key, 0) - real) / real)
    return out


def _summary(errors: list[float]) -> str:
    if not errors:
        return "-"
    return f"mean {sum(errors) / len(errors):.1%} max {max(errors):.1%}"


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
        times: dict[str, list[float]] = {"exact": [], "current": []}
        totals: list[float] = []
        errors: list[float] = []
        estimated = differing = 0
        for rnd in range(2):  # round 0 warms the page cache
            for i, q in enumerate(queries):
                order = (exact, current) if i % 2 else (current, exact)
                results = {}
                for fn in order:
                    t0 = time.perf_counter()
                    results[fn.__name__] = fn(index, q, scope)
                    if rnd:
                        times[fn.__name__].append(time.perf_counter() - t0)
                fast, slow = results["current"], results["exact"]
                if rnd:
                    differing += [h.id for h in fast.hits] != [h.id for h in slow.hits]
                    estimated += fast.estimated
                    if fast.estimated:
                        totals.append(_total_error(fast, slow))
                        errors.extend(_facet_errors(fast, slow))
        e, c = percentiles(times["exact"]), percentiles(times["current"])
        print(
            f"{label:12} exact p50/p95 {e[0]:6.2f} {e[1]:6.2f}   current {c[0]:6.2f} {c[1]:6.2f}"
            f"   hits differ {differing}/{len(queries)}   estimated {estimated}/{len(queries)}"
            f"   total error {_summary(totals)}   facet error (≥5 %) {_summary(errors)}",
            flush=True,
        )
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
