"""Redaction (遮蔽): masked passages never reach the public copy or its search text.

A redaction is a list of ``(start, end)`` character spans over the item's ORIGINAL text (Python
string indices, ``end`` exclusive), optionally with a reason (:class:`Redaction`). The public
copy is made by :func:`apply_redactions`; the search text of the public copy must be made from
that output, never from the original.

Decisions recorded here:

- Each masked passage becomes ONE fixed marker (``［已遮蔽］`` by default). Neither its
  characters nor its length are kept: a run of ``█`` as long as the passage would tell a reader
  how long the name or number was, and with a short list of candidates that is often enough to
  re-identify it. Overlapping and touching spans are merged first, so the number of markers does
  not reveal how many separate spans a reviewer drew either.
- Spans are validated, never clipped: a span outside the text means it was drawn on another
  version of the text, and silently clipping it would publish what it was meant to hide.
  :func:`text_fingerprint` lets a caller store a digest of the text the spans were drawn on and
  have :func:`apply_redactions` refuse to apply them to a changed text.
- :func:`redaction_spans_for_terms` finds terms Traditional/Simplified-, width- and
  case-insensitively. It folds the text character by character with
  :func:`lantai.text.normalise.fold_for_search` and keeps a map from each folded character back
  to the original index, so the spans are exact even where folding changes the length (``……`` →
  ``......``, ``㍿`` → ``株式会社``). Folding per character loses OpenCC's phrase-level rules; the
  terms are folded the same way, so both sides agree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lantai.text.normalise import fold_for_search

MARKER = "［已遮蔽］"


@dataclass(frozen=True, slots=True)
class Redaction:
    """One masked passage over the original text, with the reviewer's reason."""

    start: int
    end: int
    reason: str = ""


SpanLike = Redaction | Sequence[object]


def text_fingerprint(text: str) -> str:
    """SHA-256 of the text the spans were drawn on (store it beside the spans)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _as_span(span: SpanLike) -> tuple[int, int]:
    if isinstance(span, Redaction):
        start, end = span.start, span.end
    else:
        if len(span) not in (2, 3):
            raise ValueError(f"遮蔽范围格式无效：{span!r}，应为 (起点, 终点) 或 (起点, 终点, 理由)")
        start, end = span[0], span[1]
    # bool is an int subclass; True/False as offsets is always a caller's mistake.
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise ValueError(f"遮蔽范围 {span!r} 的起点和终点必须是整数")
    return start, end


def merge_spans(spans: Iterable[SpanLike], length: int) -> list[tuple[int, int]]:
    """Validate spans against a text of ``length`` characters; merge overlapping/touching ones."""
    checked = []
    for span in spans:
        start, end = _as_span(span)
        if not 0 <= start < end <= length:
            raise ValueError(
                f"遮蔽范围 ({start}, {end}) 无效：应满足 0 ≤ 起点 < 终点 ≤ {length}（正文长度）。"
                "遮蔽范围可能是在另一版本的正文上标注的，请重新核对"
            )
        checked.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(checked):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def apply_redactions(
    text: str,
    spans: Iterable[SpanLike],
    mask: str = MARKER,
    *,
    fingerprint: str | None = None,
) -> str:
    """Return ``text`` with each (merged) span replaced by ``mask``.

    ``mask`` is the marker for one whole passage (default ``［已遮蔽］``; ``'█'`` also works and
    still hides the length). With ``fingerprint`` (from :func:`text_fingerprint`) a text that
    changed since the spans were drawn is refused rather than masked in the wrong places.
    """
    if fingerprint is not None and fingerprint != text_fingerprint(text):
        raise ValueError("正文已变化，遮蔽范围是在旧版本正文上标注的，请重新审核后再发布")
    pieces = []
    position = 0
    for start, end in merge_spans(spans, len(text)):
        pieces.append(text[position:start])
        pieces.append(mask)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def fold_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Fold ``text`` for matching; return the folded text and, per folded character, its origin.

    Characters are folded once each and remembered (a 100k-character document has a few thousand
    distinct characters), and the text is folded with ``str.translate``, so this stays fast.
    """
    table = _fold_table(text)
    folded = text.translate(table)
    if len(folded) == len(text):  # every character folds to exactly one: offsets unchanged
        return folded, range(len(text))
    origin = [index for index, char in enumerate(text) for _ in table.get(ord(char), char)]
    return folded, origin


# Process-wide cache, bounded by the number of distinct characters ever seen. _CHANGED is filled
# before _SEEN, so a concurrent thread that sees a character as seen also finds its folding.
_SEEN: set[str] = {"\n"}
_CHANGED: dict[int, str] = {}  # a str.translate table: only the characters folding changes


def _fold_table(text: str) -> dict[int, str]:
    """The translate table, after folding the characters of ``text`` not seen before."""
    new = sorted(set(text) - _SEEN)
    if new:
        # One batched call; "\n" separates characters and is itself never folded.
        parts = fold_for_search("\n".join(new)).split("\n")
        if len(parts) != len(new):  # defensive: fold one by one if the batch did not split
            parts = [fold_for_search(c) for c in new]
        for char, part in zip(new, parts, strict=True):
            # A character folding to nothing would vanish from the offset map; keep it as is.
            if part and part != char:
                _CHANGED[ord(char)] = part
        _SEEN.update(new)
    return _CHANGED


def fold_term(term: str) -> str:
    """Fold a search/redaction term exactly as :func:`fold_with_offsets` folds the text."""
    return term.translate(_fold_table(term))


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation of the folded terms, longest first (so a longer term wins)."""
    folded = {fold_term(t.strip()) for t in terms if t and t.strip()}
    if not folded:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(folded, key=len, reverse=True)))


def find_terms(text: str, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every occurrence of any term as ``(start, end, folded_term)`` over the original text."""
    pattern = term_pattern(terms)
    if pattern is None or not text:
        return []
    folded, origin = fold_with_offsets(text)
    return [
        (origin[m.start()], origin[m.end() - 1] + 1, m.group()) for m in pattern.finditer(folded)
    ]


def redaction_spans_for_terms(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Spans masking every occurrence of ``terms`` (Traditional/Simplified/case-insensitive)."""
    return [(start, end) for start, end, _ in find_terms(text, terms)]
