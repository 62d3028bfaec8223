"""Search speed on a large real-text corpus: build time, index size, peak RSS, latencies.

    .venv/bin/python bench/search/build_corpus.py --records 200000
    .venv/bin/python bench/search/speed.py --records 200000 [--workers 2] [--no-lucene]
    .venv/bin/python bench/search/speed.py --records 1000000 --no-build --rounds 5
    .venv/bin/python bench/search/speed.py --records 50000 --single-index   # the old layout

Since issue 12 the build makes two indexes, as ``lantai reindex`` does: the full (staff) one
under ``lantai-N/`` and the public one (only records carrying the public token) under
``lantai-N/public/``, from one analysis pass. The public queries below run on the public index
with no access filter (what ``lantai.search.service`` does for a public user); with
``--single-index`` only the full index is built and the public queries run on it with the
public access filter (the layout before issue 12), so the two runs give the second index's
cost in build time, disk and RSS, and the query-time difference.

Query classes (50 queries each, generated from the corpus with a fixed seed): a common word,
a rare word, two words (AND), a quoted phrase, and a common word with ``date:2010..2024``.
Every Lantai query returns 10 hits with snippets cut from the original text, the total and facet
counts (fonds, year, 门类, topic) for the public scope (the facets the portal asks for; open
status is staff-only and not counted for the public). Totals and facets are exact unless a
query matches more than ``_counting.EXACT_UP_TO`` records, when they are estimated from the
fixed sample (the "estimated" column says for how many queries). No result cache exists, so
the timed pass measures real work. "core" repeats them without facets (the total is still
counted). ``--serial-facets`` counts
facets after ranking instead of in parallel with it (the pre-1 M behaviour).
The Lucene peer runs the same strings as its default bag-of-bigrams query (quotes dropped),
filtered as Lantai filters them: the public access token and the date range as FILTER clauses.
It returns the top 10 with stored text; its jar has no facet or highlight module, so compare it
with Lantai's "core" column first.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import statistics
import sys
import time

from _common import OUT, lucene_available, require, run_lucene, write_jsonl

sys.path.insert(0, str(OUT.parents[2]))
from lantai.search import FACET_NAMES, AccessScope, SearchDocument, SearchIndex, _index, rebuild
from lantai.search._analysis import fold, word_tokens
from lantai.search._backend_tantivy import analyse
from lantai.search._types import date_key


def _analyse_line(line: str) -> dict:
    return analyse(SearchDocument(**json.loads(line)))


def _windowed(pool, lines, window: int = 4096):
    """Analysed records in input order, at most ``window`` lines in flight: ``Pool.imap`` alone
    reads the whole input ahead and queues results without limit when the writer is slower,
    which would make the build's peak RSS grow with the corpus."""
    while batch := list(itertools.islice(lines, window)):
        yield from pool.imap(_analyse_line, batch, chunksize=64)


def public_path(path):
    """Where the public index sits beside the full one (the layout ``lantai.search.indexer``
    uses: ``INDEX_DIR/public``)."""
    return path / "public"


def has_public_index(path) -> bool:
    return (public_path(path) / "CURRENT").exists()


def _size(root, generation) -> int:
    return sum(p.stat().st_size for p in (root / generation).rglob("*") if p.is_file())


def build(corpus, path, workers: int, heap: int, split: bool = True) -> dict:
    shutil.rmtree(path, ignore_errors=True)
    extra = {"public_path": public_path(path)} if split else {}
    t0 = time.perf_counter()
    with corpus.open(encoding="utf-8") as fh:
        if workers > 1:
            with mp.get_context("fork").Pool(workers) as pool:
                analysed = _windowed(pool, fh)
                stats = rebuild(path, (), analysed=analysed, heap_size=heap, **extra)
        else:
            docs = (SearchDocument(**json.loads(x)) for x in fh)
            stats = rebuild(path, docs, heap_size=heap, **extra)
    seconds = time.perf_counter() - t0
    size = _size(path, stats.generation)
    public_size = _size(public_path(path), stats.public_generation) if split else 0
    rss = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    return {
        "records": stats.records,
        "build_s": seconds,
        "index_bytes": size,
        "public_records": stats.public_records,
        "public_bytes": public_size,
        "peak_rss_mb": rss,
    }


def _word_sample(corpus) -> tuple[collections.Counter[str], list[list[str]], list[str]]:
    """Document frequencies of the words of every 40th record (4,000 of them), each record's
    words, and the bodies."""
    sample = []
    with corpus.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n % 40 == 0:
                sample.append(json.loads(line)["body"])
            if len(sample) >= 4000:
                break
    df: collections.Counter[str] = collections.Counter()
    per_doc = []
    for body in sample:
        words = {w for w in word_tokens(fold(body)) if len(w) >= 2 and not w.isascii()}
        per_doc.append(sorted(words))
        df.update(words)
    return df, per_doc, sample


def common_words(corpus) -> list[str]:
    """The 100 most common words: the pool of the common-word classes."""
    return _most_common(_word_sample(corpus)[0])


def _most_common(df: collections.Counter[str]) -> list[str]:
    return [w for w, _ in df.most_common(100)]


def make_queries(corpus, seed: int, per_class: int = 50) -> dict[str, list[str]]:
    rng = random.Random(seed)
    df, per_doc, sample = _word_sample(corpus)
    common = _most_common(df)
    rare = [w for w, c in df.items() if c == 1 and len(w) >= 3]
    mid = {w for w, c in df.items() if 20 <= c <= 400}
    pairs = []
    while len(pairs) < per_class:
        words = [w for w in rng.choice(per_doc) if w in mid]
        if len(words) >= 2:
            pairs.append(" ".join(rng.sample(words, 2)))
    phrases = []
    while len(phrases) < per_class:
        body = rng.choice(sample)
        start = rng.randrange(max(1, len(body) - 8))
        piece = body[start : start + rng.randint(4, 8)]
        if all(c.isalnum() for c in piece) and len(piece) >= 4:
            phrases.append(f'"{piece}"')
    return {
        "common word": [rng.choice(common) for _ in range(per_class)],
        "rare word": rng.sample(rare, per_class),
        "two words": pairs,
        "phrase": phrases,
        "facets+date": [f"{rng.choice(common)} date:2010..2024" for _ in range(per_class)],
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return q[49], q[94], q[98]


PUBLIC_FACETS = [n for n in FACET_NAMES if n != "open_status"]


ESTIMATED: collections.Counter[str] = collections.Counter()


ON_FULL = False  # --public-on-full: time the public queries the old way on the same build


def public_search_target(path) -> tuple[SearchIndex, AccessScope]:
    """The index and scope a public search runs with: the public index, unfiltered, when it
    was built (as ``lantai.search.service.route_for``); else the full one, filtered."""
    if has_public_index(path) and not ON_FULL:
        return SearchIndex(public_path(path)), AccessScope.unrestricted()
    return SearchIndex(path), AccessScope.public()


def time_lantai(path, queries, facets: bool) -> dict[str, list[float]]:
    index, scope = public_search_target(path)
    facets = PUBLIC_FACETS if facets else False
    out = {}
    for label, qs in queries.items():
        for q in qs:  # warm-up pass (page cache, lazy loading)
            index.search(q, scope, per_page=10, facets=facets, reload=False)
        times = []
        for q in qs:
            t0 = time.perf_counter()
            result = index.search(q, scope, per_page=10, facets=facets, reload=False)
            times.append(time.perf_counter() - t0)
            ESTIMATED[label] += bool(facets) and result.estimated
        out[label] = times
    return out


def _lucene_record(record: dict) -> dict:
    return {
        "id": record["id"],
        "title": record["title"],
        "text": record["body"],
        "access": record["access"],
        "date_key": date_key(record.get("date")),
    }


def time_lucene(corpus, queries) -> tuple[dict, dict[str, list[float]]]:
    base = OUT / "speed"
    # "filtered": records carry their access tokens and date, queries filter on both (v1
    # indexes had neither, and Lucene answered every query for everyone, undated).
    lucene_corpus = base / f"lucene-corpus-filtered-{corpus.stem}.jsonl"
    if not lucene_corpus.exists():
        with corpus.open(encoding="utf-8") as fh:
            write_jsonl(lucene_corpus, map(_lucene_record, map(json.loads, fh)))
    rows, labels = [], {}
    for label, qs in queries.items():
        for i, q in enumerate(qs):
            qid = f"{label}-{i}"
            labels[qid] = label
            text, _, dates = q.replace('"', " ").partition(" date:")
            row = {"id": qid, "text": text, "access": "public"}
            if dates:
                low, high = dates.split("..")
                row["dates"] = [int(low) * 10000 + 101, int(high) * 10000 + 1231]
            rows.append(row)
    write_jsonl(base / "lucene-queries.jsonl", rows)
    res = run_lucene(
        {
            "corpus": str(lucene_corpus),
            "index": str(base / f"lucene-filtered-{corpus.stem}"),
            "queries": str(base / "lucene-queries.jsonl"),
            "k": 10,
            "repeat": 2,
        }
    )
    out: dict[str, list[float]] = collections.defaultdict(list)
    for qid, ts in res["times"].items():
        out[labels[qid]].append(ts[-1])
    return res.get("build", {}), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--heap", type=int, default=256_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-lucene", action="store_true")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--serial-facets", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds; medians printed")
    parser.add_argument(
        "--single-index",
        action="store_true",
        help="build only the full index (before issue 12); public queries filter it",
    )
    parser.add_argument(
        "--public-on-full",
        action="store_true",
        help="run the public queries on the full index with the access filter (as before "
        "issue 12) even though the public index was built: an A/B on one build",
    )
    args = parser.parse_args()
    _index.PARALLEL_FACETS = not args.serial_facets
    global ON_FULL
    ON_FULL = args.public_on_full
    corpus = require(OUT / f"corpus-{args.records}.jsonl")
    path = OUT / "speed" / f"lantai-{args.records}"
    if not args.no_build:
        info = build(corpus, path, args.workers, args.heap, split=not args.single_index)
        public = (
            f" + public index {info['public_bytes'] / 2**20:.1f} MiB "
            f"({info['public_records']} records)"
            if not args.single_index
            else " (single index)"
        )
        print(
            f"Lantai build: {info['records']} records in {info['build_s']:.1f} s "
            f"({info['records'] / info['build_s']:.0f} rec/s), index "
            f"{info['index_bytes'] / 2**20:.1f} MiB{public}, peak RSS "
            f"{info['peak_rss_mb']:.0f} MiB (workers={args.workers})",
            flush=True,
        )
    public_index = has_public_index(path) and not ON_FULL
    where = "public index, unfiltered" if public_index else "full index, filtered"
    print(f"public queries run on the {where}", flush=True)
    queries = make_queries(corpus, args.seed)
    why_not = "disabled (--no-lucene)" if args.no_lucene else lucene_available()
    rounds = []
    for n in range(args.rounds):
        rounds.append(one_round(path, corpus, queries, with_lucene=why_not is None))
        if args.rounds > 1:
            print(f"round {n + 1}: " + _p50s(rounds[-1], queries), flush=True)
    print(
        f"{'query class':14} {'Lantai full p50/p95/p99 ms':>28} {'core p50/p95/p99':>22}"
        f" {'estimated':>9} {'Lucene p50/p95/p99':>22}"
    )
    for label in queries:
        line = f"{label:14} " + " ".join(_median_figures(rounds, "full", label, 12, 7))
        line += " " + " ".join(_median_figures(rounds, "core", label, 9, 6))
        line += f" {ESTIMATED[label] // args.rounds:>5}/{len(queries[label]):<3}"
        if why_not is None:
            line += " " + " ".join(_median_figures(rounds, "peer", label, 9, 6))
        print(line, flush=True)
    if args.rounds > 1:
        print(f"(medians over {args.rounds} rounds of each percentile)")
    if why_not:
        print(f"Lucene peer not run: {why_not}")


def one_round(path, corpus, queries, with_lucene: bool) -> dict:
    """One timed pass of each flavour: Lantai with facets, without, and the Lucene peer."""
    load = _load()
    out = {
        "full": time_lantai(path, queries, facets=True),
        "core": time_lantai(path, queries, facets=False),
    }
    print(
        f"load average before / after the Lantai passes: {load} / "
        f"{_load()} (parallel facets: {_index.PARALLEL_FACETS})",
        flush=True,
    )
    if with_lucene:
        lbuild, out["peer"] = time_lucene(corpus, queries)
        if lbuild:
            print(
                f"Lucene build: {lbuild['records']} records in {lbuild['build_s']:.1f} s, "
                f"index {lbuild['index_bytes'] / 2**20:.0f} MiB"
            )
    return out


def _p50s(timings: dict, queries) -> str:
    return "  ".join(
        f"{label} " + "/".join(f"{percentiles(timings[k][label])[0]:.2f}" for k in timings)
        for label in queries
    )


def _median_figures(rounds: list[dict], kind: str, label: str, first: int, rest: int):
    per_round = [percentiles(r[kind][label]) for r in rounds]
    medians = [statistics.median(values) for values in zip(*per_round, strict=True)]
    return [f"{medians[0]:{first}.2f}", f"{medians[1]:{rest}.2f}", f"{medians[2]:{rest}.2f}"]


if __name__ == "__main__":
    main()
