"""Web extraction evaluation: Lantai vs trafilatura alone vs GNE alone on the same pages.

Run: ``.venv/bin/python -m bench.text.web_extraction``

Reference data (read from ``../shared/data``, never copied into the repository):

* ``gne/``: the 20 pages that have the GNE project's 2019 reference output. Titles and dates
  there are correct (checked by eye); the body is GNE's own older output, so body F1 against
  it is *biased towards GNE* — Lantai has to beat GNE on GNE's home ground.
* ``trafilatura-eval/``: the 5 Chinese pages, scored with trafilatura's own method (snippets
  that must / must not appear in the body) plus title and date where the set gives them.

Metrics: title accuracy (exact, whitespace ignored); date accuracy (same day; peers' date
strings are parsed with Lantai's Chinese date parser first, so a peer is not penalised for
printing ``2019年09月07日``); body character F1 (bag of non-space characters); snippet
precision/recall/F1.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from lantai.text.dates import date_from_url, parse_date, year_of
from lantai.text.html import extract_html

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def char_f1(got: str, want: str) -> float:
    """F1 of the multisets of non-space characters."""
    a, b = Counter(_norm(got)), Counter(_norm(want))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def _date(value: str | None, context_year: int | None) -> str | None:
    return parse_date(str(value), context_year) if value else None


def lantai(html: bytes, url: str | None) -> dict:
    r = extract_html(html, url=url)
    return {"title": r.title, "date": r.date, "body": r.body}


def trafilatura_alone(html: bytes, url: str | None) -> dict:
    import trafilatura

    doc = trafilatura.bare_extraction(html.decode("utf-8", "replace"), url=url, with_metadata=True)
    doc = doc.as_dict() if doc is not None else {}
    return {"title": doc.get("title"), "date": doc.get("date"), "body": doc.get("text") or ""}


def gne_alone(html: bytes, url: str | None) -> dict:
    from gne import GeneralNewsExtractor

    try:
        doc = GeneralNewsExtractor().extract(html.decode("utf-8", "replace"))
    except Exception:
        doc = {}
    return {
        "title": doc.get("title"),
        "date": doc.get("publish_time"),
        "body": doc.get("content") or "",
    }


SYSTEMS = {"lantai": lantai, "trafilatura": trafilatura_alone, "gne": gne_alone}


def _cases() -> list[dict]:
    cases = []
    for line in (DATA / "gne" / "gne_output_2019.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        year = 2019 if row["page"].startswith("readhub") else None  # "09月07日", captured 2019
        cases.append(
            {
                "set": "gne",
                "path": DATA / "gne" / "pages" / row["page"],
                "url": None,
                "title": row["title"],
                "date": parse_date(row["publish_time"], year),
                "body": row["content"],
            }
        )
    for line in (DATA / "trafilatura-eval" / "evaldata_subset.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row.get("page_lang") != "zh":
            continue
        cases.append(
            {
                "set": "trafilatura-zh",
                "path": DATA / "trafilatura-eval" / "html" / row["file"],
                "url": row["url"],
                "title": row.get("title") or None,
                "date": row.get("date") or None,
                "with": row["with"],
                "without": row["without"],
            }
        )
    return cases


def score(cases: list[dict]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, list[float]]] = {name: {} for name in SYSTEMS}
    for case in cases:
        html = case["path"].read_bytes()
        year = year_of(case["date"]) or year_of(date_from_url(case["url"] or ""))
        for name, system in SYSTEMS.items():
            start = time.perf_counter()
            out = system(html, case["url"])
            metrics = table[name]
            metrics.setdefault("seconds", []).append(time.perf_counter() - start)
            if case["title"]:
                metrics.setdefault("title_acc", []).append(
                    _norm(out["title"]) == _norm(case["title"])
                )
            if case["date"]:
                got = _date(out["date"], year)
                metrics.setdefault("date_acc", []).append((got or "")[:10] == case["date"][:10])
            if "body" in case:
                metrics.setdefault(f"body_char_f1[{case['set']}]", []).append(
                    char_f1(out["body"], case["body"])
                )
            if "with" in case:
                body = _norm(out["body"])
                hits = [_norm(s) in body for s in case["with"]]
                clean = [_norm(s) not in body for s in case["without"]]
                metrics.setdefault("snippet_recall", []).append(sum(hits) / len(hits))
                metrics.setdefault("snippet_precision", []).append(sum(clean) / len(clean))
    return {n: {k: sum(v) / len(v) for k, v in m.items()} for n, m in table.items()}


def main() -> int:
    if not (DATA / "gne").exists():
        print(f"skipped: shared data not found at {DATA}")
        return 0
    cases = _cases()
    results = score(cases)
    print(f"web extraction: {len(cases)} pages (20 gne with reference, 5 Chinese trafilatura-eval)")
    keys = sorted({k for m in results.values() for k in m})
    print(f"{'metric':32}" + "".join(f"{n:>14}" for n in results))
    for key in keys:
        print(f"{key:32}" + "".join(f"{results[n].get(key, float('nan')):14.3f}" for n in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
