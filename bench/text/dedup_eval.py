"""Near-duplicate detection: precision/recall on a set built from ``../shared/data/news-xwlb``.

Run: ``.venv/bin/python -m bench.text.dedup_eval``

2 000 stories are indexed. Queries: 1 000 copies of indexed stories (exact, or lightly edited:
one sentence dropped, a source/editor line added, punctuation changed, converted to
Traditional, last 15 % cut, a paragraph repeated) — each must flag its original and nothing
else — and 1 000 *other* stories, including the formulaic 国内/国际联播快讯 bulletins, that must
flag nothing. Precision = correct flags / all flags; recall = copies whose original was flagged.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from pathlib import Path

from lantai.text.dedup import NearDuplicateIndex, fingerprint
from lantai.text.normalise import _s2t

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "news-xwlb"


def _edits(text: str, rng: random.Random) -> dict[str, str]:
    sentences = [s for s in re.split(r"(?<=。)", text) if s]
    dropped = "".join(s for i, s in enumerate(sentences) if i != rng.randrange(len(sentences)))
    paragraphs = text.split("\n")
    return {
        "exact": text,
        "drop_sentence": dropped,
        "add_source_line": "来源：央视网 编辑：王五\n" + text + "\n（责任编辑：李四）",
        "punctuation": text.replace("，", ",").replace("。", ". "),
        "traditional": _s2t().convert(text),
        "truncate_15pct": text[: int(len(text) * 0.85)],
        "repeat_paragraph": text + "\n" + paragraphs[0],
    }


def main() -> int:
    path = DATA / "stories-2022-2025.jsonl"
    if not path.exists():
        print(f"skipped: {path} not found")
        return 0
    rng = random.Random(20240601)
    stories = [json.loads(line) for line in path.open(encoding="utf-8")]
    stories = [s for s in stories if len(s["text"]) >= 200]
    rng.shuffle(stories)
    indexed, others = stories[:2000], stories[2000:3000]
    index = NearDuplicateIndex()
    start = time.perf_counter()
    for story in indexed:
        index.add(story["id"], fingerprint(story["text"]))
    per_doc_ms = (time.perf_counter() - start) / len(indexed) * 1000
    flags = correct = found = 0
    by_kind: dict[str, list[bool]] = {}
    for story in rng.sample(indexed, 1000):
        kind, text = rng.choice(list(_edits(story["text"], rng).items()))
        keys = [k for k, _ in index.matches(fingerprint(text))]
        flags += len(keys)
        correct += story["id"] in keys
        found += story["id"] in keys
        by_kind.setdefault(kind, []).append(story["id"] in keys)
    false_on_others = 0
    formulaic = sum("联播快讯" in s["title"] for s in others)
    for story in others:
        keys = index.matches(fingerprint(story["text"]))
        flags += len(keys)
        false_on_others += bool(keys)
    print(
        f"near-duplicates on news-xwlb: 2000 indexed, 1000 edited copies, 1000 other stories "
        f"({formulaic} of them 联播快讯 bulletins)"
    )
    print(
        f"precision {correct / max(1, flags):.4f}  recall {found / 1000:.4f}  "
        f"other stories wrongly flagged: {false_on_others}  fingerprint {per_doc_ms:.2f} ms/story"
    )
    for kind, hits in sorted(by_kind.items()):
        print(f"  recall[{kind}] = {sum(hits) / len(hits):.3f} (n={len(hits)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
