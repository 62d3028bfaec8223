"""Retrieval quality on ../shared/data/retrieval: Lantai beside Lucene (CJK bigrams, BM25).

    .venv/bin/python bench/search/quality.py

For each set, MRR@10 and Recall@10 with same-script queries and with cross-script queries
(the same questions converted to the other script). Lantai searches as the public would: the
questions are natural-language, so they match nothing strictly and Lantai's relaxed fallback
(ranked OR of the question's grams, see lantai/search/_compile.py) produces the ranking.
"""

from __future__ import annotations

import shutil
import sys

from _common import (
    OUT,
    SHARED,
    lucene_available,
    mrr_recall,
    read_jsonl,
    require,
    run_lucene,
    write_jsonl,
)

sys.path.insert(0, str(OUT.parents[2]))
from lantai.search import AccessScope, SearchDocument, SearchIndex, rebuild

SETS = {
    "cmrc2018-zh-cn": ("queries_shared.jsonl", "queries_shared.traditional.jsonl"),
    "drcd-zh-tw": ("queries_shared.jsonl", "queries_shared.simplified.jsonl"),
}


def qrels_of(path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        qid, did, _score = line.split("\t")
        out.setdefault(qid, set()).add(did)
    return out


def lantai_runs(name: str, corpus: list[dict], queries: dict[str, list[dict]]):
    path = OUT / "quality" / name / "lantai"
    shutil.rmtree(path, ignore_errors=True)
    rebuild(
        path,
        (
            SearchDocument(id=i, title=r["title"], body=r["text"], access=["public"])
            for i, r in enumerate(corpus)
        ),
    )
    index = SearchIndex(path)
    scope = AccessScope.public()
    out = {}
    for label, qs in queries.items():
        runs = {}
        for q in qs:
            result = index.search(q["text"], scope, per_page=10, facets=False, reload=False)
            runs[q["_id"]] = [corpus[h.id]["_id"] for h in result.hits]
        out[label] = runs
    return out


def lucene_runs(name: str, corpus: list[dict], queries: dict[str, list[dict]]):
    base = OUT / "quality" / name
    write_jsonl(base / "corpus.jsonl", ({"id": r["_id"], **r} for r in corpus))
    shutil.rmtree(base / "lucene", ignore_errors=True)
    out = {}
    for label, qs in queries.items():
        write_jsonl(base / f"{label}.jsonl", ({"id": q["_id"], "text": q["text"]} for q in qs))
        res = run_lucene(
            {
                "corpus": str(base / "corpus.jsonl"),
                "index": str(base / "lucene"),
                "queries": str(base / f"{label}.jsonl"),
                "k": 10,
            }
        )
        out[label] = {qid: r["ids"] for qid, r in res["runs"].items()}
    return out


def main() -> None:
    why_not = lucene_available()
    print(
        f"{'set':16} {'queries':12} {'Lantai MRR@10':>14} {'R@10':>6} "
        f"{'Lucene MRR@10':>14} {'R@10':>6}"
    )
    for name, (same, cross) in SETS.items():
        base = require(SHARED / "retrieval" / name)
        corpus = read_jsonl(base / "corpus.jsonl")
        qrels = qrels_of(base / "qrels_shared.tsv")
        queries = {"same-script": read_jsonl(base / same), "cross-script": read_jsonl(base / cross)}
        ours = lantai_runs(name, corpus, queries)
        peer = lucene_runs(name, corpus, queries) if why_not is None else None
        for label in queries:
            m, r = mrr_recall(ours[label], qrels)
            line = f"{name:16} {label:12} {m:14.3f} {r:6.3f}"
            if peer is not None:
                pm, pr = mrr_recall(peer[label], qrels)
                line += f" {pm:14.3f} {pr:6.3f}"
            else:
                line += "   (Lucene not run)"
            print(line, flush=True)
    if why_not:
        print(f"Lucene peer not run: {why_not}")


if __name__ == "__main__":
    main()
