"""The side channel of issue 12, measured: does a word held only by hidden records answer a
public search differently from a word nobody holds?

    .venv/bin/python bench/search/build_corpus.py --records 50000
    .venv/bin/python bench/search/side_channel.py --records 50000 [--use 20000] [--runs 300]

Takes the first ``--use`` records of the speed corpus (70 % public) and plants a made-up word
in every hidden one, then builds the two indexes as ``lantai reindex`` does (the full one and
the public one). Public searches for the planted word and for an absent word of the same shape
are timed, interleaved, on the full index with the public access filter (the layout before
issue 12) and on the public index (since). Before, the planted word's posting list had to be
walked and filtered away, so it answered slower than the absent word; since, the public index
does not hold it at all (document frequency 0), so the two cost the same.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time

from _common import OUT, require

sys.path.insert(0, str(OUT.parents[2]))
from lantai.search import AccessScope, SearchDocument, SearchIndex, rebuild

PLANTED = "靐齉龖爩"  # held by every hidden record (characters no real record holds)
ABSENT = "麤灥厵齾"  # held by none


def documents(corpus, use: int):
    with corpus.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= use:
                break
            row = json.loads(line)
            if "public" not in row["access"]:
                row["body"] = f"{row['body']}{PLANTED}"
            yield SearchDocument(**row)


def timed(index: SearchIndex, scope: AccessScope, word: str) -> float:
    t0 = time.perf_counter()
    result = index.search(word, scope, per_page=10, facets=True, reload=False)
    elapsed = time.perf_counter() - t0
    assert result.total == 0 and not result.hits, (word, result.total)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--use", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    corpus = require(OUT / f"corpus-{args.records}.jsonl")
    path = OUT / "side-channel" / f"lantai-{args.use}"
    shutil.rmtree(path, ignore_errors=True)
    stats = rebuild(path, documents(corpus, args.use), public_path=path / "public")
    hidden = stats.records - stats.public_records
    print(
        f"{stats.records} records, {stats.public_records} public, {hidden} hidden ones hold "
        f"{PLANTED!r}; built both in {stats.seconds:.1f} s",
        flush=True,
    )
    layouts = {
        "full index + public filter (before)": (SearchIndex(path), AccessScope.public()),
        "public index (since issue 12)": (SearchIndex(path / "public"), AccessScope.unrestricted()),
    }
    for label, (index, scope) in layouts.items():
        searcher = index._require().searcher()
        freq = searcher.doc_freq("bi", PLANTED[:2])
        times: dict[str, list[float]] = {PLANTED: [], ABSENT: []}
        for word in times:  # warm-up
            for _ in range(20):
                timed(index, scope, word)
        for _ in range(args.runs):
            for word in times:
                times[word].append(timed(index, scope, word))
        planted, absent = (statistics.median(times[w]) * 1000 for w in (PLANTED, ABSENT))
        print(
            f"{label:38} doc_freq({PLANTED[:2]}) {freq:>6}   p50 planted {planted:6.3f} ms"
            f"   absent {absent:6.3f} ms   ratio {planted / absent:5.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
