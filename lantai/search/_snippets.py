"""Snippets highlighted on the ORIGINAL text.

Matching happens on folded text, but readers must see what the record says: a Traditional
record shows Traditional characters even when the query was Simplified. So the body is folded
with an offset map (folded index → original index) and highlight ranges are mapped back.

Folding is NFKC → OpenCC t2s → lower-case. Each step is almost always one character to one
character, and we exploit that for speed, but never assume it blindly:

* NFKC: skipped when the text is already NFKC (a C-speed check). Otherwise, when nothing in it
  can compose with a neighbour (marks, Hangul jamo, half-width kana voicing marks:
  ``_MAY_COMPOSE``), only the runs of characters NFKC may change are normalised, and when the
  length is unchanged no character can have shrunk, so none grew either and the map is 1:1
  (Chinese full-width punctuation). Else it is applied per character, which records how many
  output characters each input character became (``㍿`` → ``株式会社``).
* t2s: OpenCC converts phrases, so it runs on the whole string; if the length is unchanged the
  map is 1:1, otherwise the two strings are aligned with ``difflib`` (rare; still monotone).
* lower-case: per character when the length changes (``İ`` → ``i̇``).

Long records are scanned in chunks and the snippet is cut from the first chunk that has a match,
so the cost per hit is bounded by the chunk size, not the record size.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Sequence

from lantai.text.normalise import MAY_COMPOSE, nfkc_each, to_simplified

_MAY_COMPOSE = MAY_COMPOSE  # a module attribute, so tests can force the per-character path
SNIPPET_CHARS = 120
FIRST_CHUNK = 1200
CHUNK = 4000
OVERLAP = 64
MAX_SCAN = 200_000


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text`` and return (folded, starts) where ``starts[j]`` is the original index of
    folded character ``j`` (plus a final sentinel ``len(text)``); ``None`` means identity."""
    maps: list[list[int]] = []
    if unicodedata.is_normalized("NFKC", text):
        nf = text
    else:
        composes = _MAY_COMPOSE.search(text) is not None
        # With nothing that composes, each character normalises on its own, so only the
        # characters NFKC may change need work (4× faster on Chinese text than the whole).
        nf = text if composes else nfkc_each(text)
        if composes or len(nf) != len(text):
            pieces = [unicodedata.normalize("NFKC", c) for c in text]
            nf = "".join(pieces)
            if len(nf) != len(text):
                maps.append([i for i, p in enumerate(pieces) for _ in p] + [len(text)])
    simp = to_simplified(nf)
    if len(simp) != len(nf):
        maps.append(_align(nf, simp))
    low = simp.lower()
    if len(low) != len(simp):
        pieces = [c.lower() for c in simp]
        low = "".join(pieces)
        maps.append([i for i, p in enumerate(pieces) for _ in p] + [len(simp)])
    return low, _compose(maps)


def _align(a: str, b: str) -> list[int]:
    """Monotone map from indices of ``b`` to indices of ``a`` via a diff alignment."""
    out: list[int] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for _tag, a0, a1, b0, b1 in matcher.get_opcodes():
        width = max(a1 - a0, 1)
        for k in range(b1 - b0):
            out.append(min(a0 + k * width // max(b1 - b0, 1), max(a1 - 1, a0)))
    out.append(len(a))
    return out


def _compose(maps: list[list[int]]) -> list[int] | None:
    if not maps:
        return None
    result = maps[-1]
    for earlier in reversed(maps[:-1]):
        result = [earlier[i] for i in result]
    return result


def compile_needles(needles: Sequence[Sequence[str]]) -> re.Pattern[str] | None:
    """One alternation over needles given as runs of folded word characters.

    Runs of one needle may be separated by any punctuation or space (as the engine matches
    them); longer needles come first so a phrase wins over its own parts.
    """
    uniq = sorted({tuple(n) for n in needles if n}, key=lambda n: sum(map(len, n)), reverse=True)
    if not uniq:
        return None
    return re.compile("|".join(r"[\W_]*".join(map(re.escape, n)) for n in uniq))


def make_snippet(body: str, pattern: re.Pattern[str] | None, size: int = SNIPPET_CHARS) -> str:
    """An HTML-safe excerpt of ``body`` with ``<mark>`` around matches of ``pattern``."""
    if not body:
        return ""
    if pattern is not None:
        start = 0
        limit = min(len(body), MAX_SCAN)
        step = FIRST_CHUNK
        while start < limit:
            end = min(start + step + OVERLAP, len(body))
            found = _snippet_in(body, start, end, pattern, size)
            if found is not None:
                return found
            start += step
            step = CHUNK
    head = body[:size]
    return html.escape(head) + ("…" if len(body) > size else "")


def _snippet_in(body: str, lo: int, hi: int, pattern: re.Pattern[str], size: int) -> str | None:
    chunk = body[lo:hi]
    folded, starts = fold_with_offsets(chunk)
    spans = [m.span() for m in pattern.finditer(folded)]
    if not spans:
        return None
    if starts is not None:
        spans = [(starts[a], starts[b - 1] + 1) for a, b in spans]
    spans = [(a + lo, b + lo) for a, b in spans]
    w0, w1 = _best_window(spans, size, len(body))
    return _render(body, w0, w1, [s for s in spans if s[0] >= w0 and s[1] <= w1])


def _best_window(spans: list[tuple[int, int]], size: int, length: int) -> tuple[int, int]:
    """The window of ``size`` characters covering the most matches, with a little lead-in."""
    best_i, best_count, j = 0, 0, 0
    for i, (a, _b) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= a + size:
            j += 1
        if j - i > best_count:
            best_i, best_count = i, j - i
    first = spans[best_i][0]
    start = max(0, first - size // 6)
    end = min(length, start + size)
    start = max(0, min(start, end - size))
    return start, end


def _render(body: str, w0: int, w1: int, spans: list[tuple[int, int]]) -> str:
    out = ["…"] if w0 > 0 else []
    cursor = w0
    for a, b in spans:
        if a < cursor:  # overlapping match: extend the previous mark instead
            continue
        out.append(html.escape(body[cursor:a]))
        out.append("<mark>" + html.escape(body[a:b]) + "</mark>")
        cursor = b
    out.append(html.escape(body[cursor:w1]))
    if w1 < len(body):
        out.append("…")
    return "".join(out)
