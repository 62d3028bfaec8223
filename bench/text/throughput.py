"""Throughput of the whole text pipeline on plain text (decode, clean, script, metadata).

Run: ``.venv/bin/python -m bench.text.throughput``

Each news-xwlb story (UTF-8 and, for a third of them, GB18030 bytes) goes through
``extract_bytes`` as ingest would call it, on 2 worker processes; the figure is characters of
input per second of wall time, and stories per second.
"""

from __future__ import annotations

import json
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from lantai.text import extract_bytes

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "news-xwlb"
STORIES = 6000


def _work(item: tuple[bytes, str]) -> int:
    result = extract_bytes(item[0], item[1])
    return len(result.body)


def main() -> int:
    path = DATA / "stories-2022-2025.jsonl"
    if not path.exists():
        print(f"skipped: {path} not found")
        return 0
    texts = []
    with path.open(encoding="utf-8") as source:
        for n, line in enumerate(source):
            if n >= STORIES:
                break
            story = json.loads(line)
            texts.append(story["title"] + "\n" + story["text"])
    items = [
        (t.encode("gb18030" if i % 3 == 0 else "utf-8"), f"{i}.txt") for i, t in enumerate(texts)
    ]
    chars = sum(len(t) for t in texts)
    with Pool(2) as pool:
        pool.map(_work, items[:50])  # warm-up: imports and OpenCC dictionaries in both workers
        start = time.perf_counter()
        pool.map(_work, items, chunksize=50)
        elapsed = time.perf_counter() - start
    print(
        f"plain-text pipeline, 2 processes: {len(items)} stories, {chars:,} chars, {elapsed:.2f} s"
    )
    print(f"  {chars / elapsed:,.0f} chars/s, {len(items) / elapsed:,.0f} stories/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
