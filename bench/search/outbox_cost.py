"""What the public index costs the outbox path: five batches of 2,000 new records (70 % public)
applied to a 20,000-record build, as ``lantai.search.indexer.apply_outbox`` applies them, with
one index (before issue 12) and with two (public deletions if held, staff, public additions;
each record analysed once). Two rounds, alternating; the median batch time is printed.

    .venv/bin/python bench/search/build_corpus.py --records 50000
    .venv/bin/python bench/search/outbox_cost.py --records 50000
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import statistics
import sys
import time

from _common import OUT, require

sys.path.insert(0, str(OUT.parents[2]))
from lantai.search import SearchDocument, SearchIndex, prepare, rebuild

HEAP, THREADS = 40_000_000, 1  # lantai.search.indexer.OUTBOX_HEAP / OUTBOX_WRITER_THREADS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    args = parser.parse_args()
    corpus = require(OUT / f"corpus-{args.records}.jsonl")
    base = OUT / "outbox-cost"
    with corpus.open(encoding="utf-8") as fh:
        docs = [SearchDocument(**json.loads(line)) for line in itertools.islice(fh, 30_000)]
    seed = docs[:20_000]
    batches = [docs[20_000 + i * 2000 : 22_000 + i * 2000] for i in range(5)]
    times: dict[str, list[float]] = {"one index": [], "two indexes": []}
    for _ in range(2):
        for mode in times:
            shutil.rmtree(base, ignore_errors=True)
            rebuild(base, seed, public_path=base / "public")
            staff = SearchIndex(base, heap_size=HEAP, writer_threads=THREADS)
            public = SearchIndex(base / "public", heap_size=HEAP, writer_threads=THREADS)
            for batch in batches:
                t0 = time.perf_counter()
                if mode == "one index":
                    staff.add_or_replace(batch)
                    staff.commit()
                else:
                    ready = [prepare(doc) for doc in batch]
                    shown = [r for r in ready if "public" in r.access]
                    leaving = {r.id for r in ready} - {r.id for r in shown}
                    if public.holds_any(leaving):
                        public.delete(leaving)
                        public.commit()
                    staff.add_or_replace(ready)
                    staff.commit()
                    public.add_or_replace(shown)
                    public.commit()
                times[mode].append(time.perf_counter() - t0)
            staff.close()
            public.close()
    for mode, ts in times.items():
        print(f"{mode:12} median per 2,000-record batch {statistics.median(ts):.3f} s")


if __name__ == "__main__":
    main()
