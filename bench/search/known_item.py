"""Known-item search: a sentence sampled from a record finds that record at rank 1.

    .venv/bin/python bench/search/known_item.py [--samples 300] [--seed 7]

Corpus: all of ../shared/data/news-xwlb and ../shared/data/gov-laws (one record each). Both
engines get the same sentences; Lucene runs its default bag-of-bigrams BM25 query, Lantai its
default query language (an unquoted sentence must occur as a substring; ranking by BM25).
"Ambiguous" counts sentences that occur verbatim in more than one record (a rank-1 miss there
may be a tie with a duplicate story or a shared legal formula, not an error).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import time

from _common import OUT, SHARED, lucene_available, read_jsonl, require, run_lucene, write_jsonl

sys.path.insert(0, str(OUT.parents[2]))
from lantai.search import AccessScope, SearchDocument, SearchIndex, rebuild
from lantai.search._analysis import fold

_SENT = re.compile(r"[^。！？\n]{12,60}[。！？]")


def load() -> list[dict]:
    news = read_jsonl(require(SHARED / "news-xwlb" / "stories-2022-2025.jsonl"))
    laws = read_jsonl(require(SHARED / "gov-laws" / "laws.jsonl"))
    rows = [
        {"id": str(i), "title": r["title"], "text": r["text"], "date": r.get("date")}
        for i, r in enumerate(news + laws)
    ]
    return rows


def sample(rows: list[dict], n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        rec = rng.choice(rows)
        sentences = _SENT.findall(rec["text"])
        if sentences:
            out.append(
                {"id": f"q{len(out)}", "text": rng.choice(sentences).strip(), "target": rec["id"]}
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = load()
    queries = sample(rows, args.samples, args.seed)
    haystack = "\x00".join(fold(r["text"]) for r in rows)
    ambiguous = sum(haystack.count(fold(q["text"])) > 1 for q in queries)

    path = OUT / "known-item" / "lantai"
    shutil.rmtree(path, ignore_errors=True)
    t0 = time.perf_counter()
    rebuild(
        path,
        (
            SearchDocument(
                id=i, title=r["title"], body=r["text"], date=r["date"], access=["public"]
            )
            for i, r in enumerate(rows)
        ),
    )
    build_s = time.perf_counter() - t0
    index = SearchIndex(path)
    scope = AccessScope.public()
    top1 = top10 = 0
    for q in queries:
        hits = index.search(q["text"], scope, per_page=10, facets=False, reload=False).hits
        got = [str(h.id) for h in hits]
        top1 += bool(got) and got[0] == q["target"]
        top10 += q["target"] in got
    n = len(queries)
    print(f"records {len(rows)}, sentences {n} (seed {args.seed}), ambiguous {ambiguous}")
    print(f"Lantai  rank-1 {top1 / n:.3f}  top-10 {top10 / n:.3f}  (build {build_s:.1f} s)")

    why_not = lucene_available()
    if why_not:
        print(f"Lucene peer not run: {why_not}")
        return
    base = OUT / "known-item"
    write_jsonl(base / "corpus.jsonl", rows)
    write_jsonl(base / "queries.jsonl", ({"id": q["id"], "text": q["text"]} for q in queries))
    shutil.rmtree(base / "lucene", ignore_errors=True)
    res = run_lucene(
        {
            "corpus": str(base / "corpus.jsonl"),
            "index": str(base / "lucene"),
            "queries": str(base / "queries.jsonl"),
            "k": 10,
        }
    )
    l1 = sum(
        bool(res["runs"][q["id"]]["ids"]) and res["runs"][q["id"]]["ids"][0] == q["target"]
        for q in queries
    )
    l10 = sum(q["target"] in res["runs"][q["id"]]["ids"] for q in queries)
    print(
        f"Lucene  rank-1 {l1 / n:.3f}  top-10 {l10 / n:.3f}  "
        f"(build {res['build']['build_s']:.1f} s)"
    )


if __name__ == "__main__":
    main()
