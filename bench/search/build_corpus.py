"""Build the speed-bench corpus from real text: ``--records N`` records of ~200–800 characters.

    .venv/bin/python bench/search/build_corpus.py --records 1000000

Source: ../shared/data/news-xwlb (each story's paragraphs) and ../shared/data/gov-laws (laws cut
into runs of articles). Once the real records are used up, new ones are made by recombining
real sentences drawn at random (seeded), so every sentence is real text. Metadata is synthetic
but realistic: 10 fonds, 4 门类, dates 1950–2025 (the real date where the source has one), a few
topics, 档号 ``J00x-WS·YYYY-Y-BGS-NNNNNN``, and 70 % of records public.
Writes bench/out/search/corpus-N.jsonl (one SearchDocument as JSON per line).
"""

from __future__ import annotations

import argparse
import json
import random
import re

from _common import OUT, SHARED, read_jsonl, require

CATEGORIES = ["WS", "ZP", "WY", "KJ"]
TOPICS = ["经济", "民生", "法治", "教育", "科技", "生态", "外事", "文化"]
_SENT = re.compile(r"[^。！？\n]+[。！？]?")


def real_chunks() -> list[tuple[str, str, str | None]]:
    """(title, text, date) pieces of 200–800 characters."""
    out = []
    for rec in read_jsonl(require(SHARED / "news-xwlb" / "stories-2022-2025.jsonl")):
        out.extend(_cut(rec["title"], rec["text"], rec.get("date")))
    for rec in read_jsonl(require(SHARED / "gov-laws" / "laws.jsonl")):
        out.extend(_cut(rec["title"], rec["text"], rec.get("date")))
    return out


def _cut(title: str, text: str, date: str | None):
    buf = ""
    for para in text.split("\n"):
        buf = f"{buf}\n{para}" if buf else para
        if len(buf) >= 200:
            yield title, buf[:800], date
            buf = ""
    if len(buf) >= 60:
        yield title, buf, date


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    chunks = real_chunks()
    sentences = [s for _t, text, _d in chunks for s in _SENT.findall(text) if len(s) > 8]
    titles = [t for t, _x, _d in chunks]
    path = OUT / f"corpus-{args.records}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(args.records):
            if i < len(chunks):
                title, body, date = chunks[i]
            else:
                title = rng.choice(titles)
                body = "".join(rng.choice(sentences) for _ in range(rng.randint(4, 12)))[:800]
                date = None
            year = int(date[:4]) if date else rng.randint(1950, 2025)
            date = date or f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            fonds = f"J{rng.randint(1, 10):03d}"
            category = rng.choice(CATEGORIES)
            access = [f"fonds:{fonds}"] + (["public"] if rng.random() < 0.7 else [])
            row = {
                "id": i + 1,
                "ref_code": f"{fonds}-{category}·{year}-Y-BGS-{i + 1:06d}",
                "title": title,
                "body": body,
                "date": date,
                "fonds": fonds,
                "category": category,
                "topics": rng.sample(TOPICS, rng.randint(0, 2)),
                "open_status": "open" if "public" in access else "closed",
                "access": access,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{args.records} records ({min(len(chunks), args.records)} real pieces) → {path}")


if __name__ == "__main__":
    main()
