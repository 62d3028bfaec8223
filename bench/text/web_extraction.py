"""Web extraction evaluation: Lantai vs trafilatura alone vs GNE alone on the same pages.

Run: ``.venv/bin/python -m bench.text.web_extraction`` (``--per-page`` lists every page)

Reference data (read from ``../shared/data``, never copied into the repository):

* ``gne/pages/``: 60 Chinese news pages scored against our **hand-made gold**
  (``bench/text/gold/gne_web_gold.json``, how it was made: ``bench/text/gold/README.md``).
  The gold stores the title as a selector, the date as a fact, and the body as selectors
  into the shared HTML (body nodes minus excluded nodes), so the body text is computed here
  at run time and no third-party text enters the repository. The gold was made by reading
  the DOM, not from any extractor's output, so it favours none of the three systems.
* ``trafilatura-eval/``: the 5 Chinese pages, scored with trafilatura's own method (snippets
  that must / must not appear in the body) plus title and date where the set gives them.
* ``gne/gne_output_2019.jsonl``: GNE's own 2019 output for 20 of the pages. It is *not*
  gold (GNE scores ~1.0 against itself); it is kept as one clearly labelled secondary line.

Metrics: title accuracy (exact, whitespace ignored); date accuracy (same day; peers' date
strings are parsed with Lantai's Chinese date parser first, so a peer is not penalised for
printing ``2019年09月07日``); body character F1 (bag of non-space characters); snippet
precision/recall.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import lxml.html

from lantai.text.dates import date_from_url, parse_date, year_of
from lantai.text.html import extract_html

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
GOLD = Path(__file__).resolve().parent / "gold" / "gne_web_gold.json"


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


# --- the gold: selectors resolved against the shared HTML -------------------------------


def _tree(path: Path) -> lxml.html.HtmlElement:
    tree = lxml.html.document_fromstring(path.read_bytes().decode("utf-8", "replace"))
    for node in tree.iter("script", "style", "noscript"):
        node.text = None  # never shown on the page, so never part of a title or body
    return tree


def _node_text(found: list) -> str:
    """Text of the first element matched, or of all strings matched (``text()``)."""
    if not found:
        return ""
    if isinstance(found[0], str):
        return " ".join(s.strip() for s in found if s.strip())
    return " ".join(" ".join(found[0].itertext()).split())


def gold_body(tree: lxml.html.HtmlElement, entry: dict) -> str:
    """Text of the body nodes minus the excluded elements and text nodes, whitespace-normalised."""
    skip_elements, skip_text = set(), set()
    for xpath in entry.get("exclude_xpaths", []):
        for hit in tree.xpath(xpath):
            if isinstance(hit, str):  # a text node: remember whose .text / .tail it is
                skip_text.add((hit.getparent(), "tail" if hit.is_tail else "text"))
            else:
                skip_elements.add(hit)
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if node in skip_elements:
            return
        if isinstance(node.tag, str) and node.tag not in ("script", "style"):
            if node.text and (node, "text") not in skip_text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail and (child, "tail") not in skip_text:
                    parts.append(child.tail)

    for root in tree.xpath(" | ".join(entry["body_xpaths"])):
        walk(root)
    return " ".join(" ".join(parts).split())


def load_gold() -> tuple[list[dict], list[str]]:
    """Resolve every gold entry; return the cases and the list of problems found."""
    cases, problems = [], []
    for entry in json.loads(GOLD.read_text(encoding="utf-8"))["pages"]:
        path = DATA / "gne" / "pages" / entry["page"]
        if not path.exists():
            problems.append(f"{entry['page']}: page missing")
            continue
        tree = _tree(path)
        title = _node_text(tree.xpath(entry["title_xpath"])) if "title_xpath" in entry else ""
        title = title or entry.get("title", "")
        body = gold_body(tree, entry)
        if not title:
            problems.append(f"{entry['page']}: title selector matches nothing")
        if not tree.xpath(" | ".join(entry["body_xpaths"])) or len(_norm(body)) < 20:
            problems.append(f"{entry['page']}: body selectors give no text")
        if entry.get("date") and parse_date(entry["date"]) != entry["date"]:
            problems.append(f"{entry['page']}: date {entry['date']!r} is not ISO")
        cases.append(
            {
                "set": "gne-gold",
                "page": entry["page"],
                "path": path,
                "url": None,
                "title": title,
                "date": entry.get("date"),
                "body": body,
            }
        )
    return cases, problems


# --- the three systems ----------------------------------------------------------------------


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


def _trafilatura_cases() -> list[dict]:
    cases = []
    for line in (DATA / "trafilatura-eval" / "evaldata_subset.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row.get("page_lang") != "zh":
            continue
        cases.append(
            {
                "set": "trafilatura-zh",
                "page": row["file"],
                "path": DATA / "trafilatura-eval" / "html" / row["file"],
                "url": row["url"],
                "title": row.get("title") or None,
                "date": row.get("date") or None,
                "with": row["with"],
                "without": row["without"],
            }
        )
    return cases


def _gne_2019() -> dict[str, str]:
    """GNE's own 2019 output (not gold): page → body, for the secondary agreement line."""
    rows = (json.loads(line) for line in (DATA / "gne" / "gne_output_2019.jsonl").open())
    return {row["page"]: row["content"] for row in rows}


# --- scoring ------------------------------------------------------------------------------


def _score_case(case: dict, out: dict, ref_2019: dict[str, str]) -> dict[str, float]:
    tag = case["set"]
    scores: dict[str, float] = {}
    if case["title"]:
        scores[f"title_acc[{tag}]"] = _norm(out["title"]) == _norm(case["title"])
    if case["date"]:
        year = year_of(date_from_url(case["url"] or ""))
        got = parse_date(str(out["date"]), year) if out["date"] else None
        scores[f"date_acc[{tag}]"] = (got or "")[:10] == case["date"][:10]
    if "body" in case:
        scores[f"body_char_f1[{tag}]"] = char_f1(out["body"], case["body"])
    if case.get("page") in ref_2019:
        scores["(agreement with GNE 2019 output, 20 pages)"] = char_f1(
            out["body"], ref_2019[case["page"]]
        )
    if "with" in case:
        body = _norm(out["body"])
        hits = [_norm(s) in body for s in case["with"]]
        clean = [_norm(s) not in body for s in case["without"]]
        scores[f"snippet_recall[{tag}]"] = sum(hits) / len(hits)
        scores[f"snippet_precision[{tag}]"] = sum(clean) / len(clean)
    return scores


def score(cases: list[dict], per_page: bool = False) -> dict[str, dict[str, float]]:
    ref_2019 = _gne_2019() if (DATA / "gne" / "gne_output_2019.jsonl").exists() else {}
    table: dict[str, dict[str, list[float]]] = {name: {} for name in SYSTEMS}
    for case in cases:
        html = case["path"].read_bytes()
        line = []
        for name, system in SYSTEMS.items():
            start = time.perf_counter()
            out = system(html, case["url"])
            elapsed = time.perf_counter() - start
            scores = _score_case(case, out, ref_2019)
            for key, value in {**scores, "seconds_per_page": elapsed}.items():
                table[name].setdefault(key, []).append(float(value))
            line.append(_page_line(name, scores, out))
        if per_page:
            print(f"{case['page']:28}" + " | ".join(line))
    return {n: {k: sum(v) / len(v) for k, v in m.items()} for n, m in table.items()}


def _page_line(name: str, scores: dict[str, float], out: dict) -> str:
    title = "T" if any(v for k, v in scores.items() if k.startswith("title")) else "-"
    date = "D" if any(v for k, v in scores.items() if k.startswith("date")) else "-"
    f1 = next((v for k, v in scores.items() if k.startswith("body")), float("nan"))
    return f"{name[:5]} {title}{date} {f1:.2f} {str(out['date'])[:10]:10}"


def main(argv: list[str]) -> int:
    if not (DATA / "gne").exists():
        print(f"skipped: shared data not found at {DATA}")
        return 0
    gold, problems = load_gold()
    if problems:
        print("gold does not resolve:\n  " + "\n  ".join(problems))
        return 1
    cases = gold + _trafilatura_cases()
    dated = sum(1 for c in gold if c["date"])
    print(
        f"web extraction: {len(gold)} gne pages with hand-made gold ({dated} dated), "
        f"{len(cases) - len(gold)} Chinese trafilatura-eval pages"
    )
    results = score(cases, per_page="--per-page" in argv)
    keys = sorted({k for m in results.values() for k in m}, key=lambda k: (k.startswith("("), k))
    print(f"{'metric':44}" + "".join(f"{n:>13}" for n in results))
    for key in keys:
        print(f"{key:44}" + "".join(f"{results[n].get(key, float('nan')):13.3f}" for n in results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
