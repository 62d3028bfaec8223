"""Do the ranking shortcuts return exactly what ranking every match returns, at scale?

    .venv/bin/python bench/search/tiers_check.py --records 1000000

For the 100 most common words of the speed corpus (the pool speed.py draws its common-word
class from), alone and with ``date:2010..2024``, pages 1–3, as the public and as staff who see
everything: the shipped search against the same search with every shortcut off. Prints how
many pages differ (the hits, their order and their scores must match) and which shortcut
answered each page: the title tier, an impact tier, candidates, or none (exhaustive ranking).
Needs speed.py's index.
"""

from __future__ import annotations

import argparse
import collections
import math
import time

from _common import OUT, require
from facets_ab import exact_ranking
from speed import common_words, has_public_index, public_path

from lantai.search import AccessScope, SearchIndex, _index, _ranking

ANSWERS: collections.Counter[str] = collections.Counter()


def _spy_on_shortcuts() -> None:
    """Count which shortcut answers each page, leaving the search itself untouched."""
    tiered, pruned = _ranking._tiered, _ranking._pruned
    position: dict[str, int] = {"tier": 0}

    def spy_tiered(searcher, schema, tier, need):
        found = tiered(searcher, schema, tier, need)
        if found is not None:
            ANSWERS["title tier" if position["tier"] == 0 else "impact tier"] += 1
        position["tier"] += 1
        return found

    def spy_pruned(*args):
        found = pruned(*args)
        ANSWERS["candidates" if found is not None else "exhaustive"] += 1
        return found

    real_top = _ranking.top_hits

    def top_hits(searcher, schema, compiled, limit, offset, sort):
        if not compiled.tiers and compiled.unfiltered is None:  # the exhaustive reference
            return real_top(searcher, schema, compiled, limit, offset, sort)
        position["tier"] = 0
        before = sum(ANSWERS.values())
        found = real_top(searcher, schema, compiled, limit, offset, sort)
        if sum(ANSWERS.values()) == before:
            ANSWERS["exhaustive"] += 1
        return found

    _ranking._tiered, _ranking._pruned = spy_tiered, spy_pruned
    _index.top_hits = top_hits  # the name SearchIndex.search calls


def _same(fast, slow) -> bool:
    """The same records in the same order with the same scores (summing the same clauses in
    another order may change the last bit of a 32-bit score, hence the tolerance)."""
    return [h.id for h in fast.hits] == [h.id for h in slow.hits] and all(
        math.isclose(a.score, b.score, rel_tol=1e-5)
        for a, b in zip(fast.hits, slow.hits, strict=True)
    )


def _check(index: SearchIndex, queries: list[str], scopes: dict) -> tuple[int, int]:
    pages = differing = 0
    for who, scope in scopes.items():
        for q in queries:
            for page in (1, 2, 3):
                fast = index.search(q, scope, per_page=10, page=page, facets=False, reload=False)
                slow = exact_ranking(index, q, scope, page)
                same = _same(fast, slow)
                pages += 1
                differing += not same
                if not same:
                    print(f"DIFFERENT: {who} {q!r} page {page}", flush=True)
    return differing, pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    args = parser.parse_args()
    corpus = require(OUT / f"corpus-{args.records}.jsonl")
    path = OUT / "speed" / f"lantai-{args.records}"
    index = SearchIndex(path)
    _spy_on_shortcuts()
    words = common_words(corpus)
    queries = words + [f"{w} date:2010..2024" for w in words]
    scopes = {"public": AccessScope.public(), "staff": AccessScope.unrestricted()}
    started = time.perf_counter()
    differing, pages = _check(index, queries, scopes)
    print(f"{len(words)} common words, alone and with a date filter, pages 1-3, 2 scopes")
    print(f"pages differing from exhaustive ranking: {differing}/{pages}")
    if has_public_index(path):  # what a public search runs on since issue 12
        public = {"public index": AccessScope.unrestricted()}
        differing, pages = _check(SearchIndex(public_path(path)), queries, public)
        print(f"public index, unfiltered: pages differing from exhaustive: {differing}/{pages}")
    print("answered by: " + ", ".join(f"{k} {v}" for k, v in ANSWERS.most_common()))
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
