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
  ``......``, ``㍿`` → ``株式会社``). Folding per character loses OpenCC's phrase-level rules, so
  the folded text is also matched in its phrase-folded form (瞭解 → 了解, as search folds it),
  and each term in its character- and phrase-folded forms.
- Gaps do not hide an occurrence: whitespace of any kind (space, U+3000, line breaks) and
  invisible format characters are ignored between the characters of a term, on both sides.
  PDF and OCR text break lines inside words, and two-character names are padded to three
  (王　伟). Ignoring gaps may over-mask (a Latin term across a word boundary); a reviewer sees
  the result, and over-masking publishes nothing it should not.
- :func:`mask_terms` is what :mod:`lantai.access.publication` applies to every public field.
  This module stays Django-free.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from lantai.text.normalise import fold_for_search, to_simplified

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
    values: tuple[object, object]
    if isinstance(span, Redaction):
        values = (span.start, span.end)  # typed int, but it may come from stored JSON
    else:
        if len(span) not in (2, 3):
            raise ValueError(f"遮蔽范围格式无效：{span!r}，应为 (起点, 终点) 或 (起点, 终点, 理由)")
        values = (span[0], span[1])
    start, end = values
    # bool is an int subclass; True/False as offsets is always a caller's mistake.
    if not (_offset(start) and _offset(end)):
        raise ValueError(f"遮蔽范围 {span!r} 的起点和终点必须是整数")
    return start, end


def _offset(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


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


# What may sit between the characters of one occurrence: any Unicode whitespace (space, U+3000,
# line breaks, tabs, NBSP) and the invisible format characters OCR and word processors insert.
_GAP = "\\s\u00ad\u200b\u200c\u200d\u2060\ufeff"
_NOT_GAP_RUN = re.compile(f"[^{_GAP}]+")
_GAP_RUN = re.compile(f"[{_GAP}]+")


def squeeze(folded: str, origin: Sequence[int]) -> tuple[str, list[int]]:
    """``folded`` without its gap characters, and the origin of each kept character."""
    runs = [(m.start(), m.end()) for m in _NOT_GAP_RUN.finditer(folded)]
    squeezed = "".join(folded[start:end] for start, end in runs)
    return squeezed, [origin[i] for start, end in runs for i in range(start, end)]


def _phrase_fold(squeezed: str) -> str | None:
    """OpenCC's phrase-level Simplified form of an already folded text, same length, or None.

    Character folding keeps 瞭 (瞭望 is Simplified too), but search folds 瞭解 to 了解 as a
    phrase. A phrase conversion that changes the length would break the offset map, so those
    pieces (a rare few) are kept character-folded.
    """
    phrased = to_simplified(squeezed)
    if phrased == squeezed:
        return None
    if len(phrased) == len(squeezed):
        return phrased
    pieces = []
    for piece in re.findall(r"\w+|\W+", squeezed):
        converted = to_simplified(piece)
        pieces.append(converted if len(converted) == len(piece) else piece)
    return "".join(pieces)


def term_forms(term: str) -> set[str]:
    """Every folded, gap-free form of ``term`` the text is searched for."""
    forms = set()
    for folded in (fold_term(term), fold_for_search(term)):
        squeezed = _GAP_RUN.sub("", folded)
        forms |= {squeezed, to_simplified(squeezed)}
    return {form for form in forms if form}


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation of the folded terms' forms, longest first (so a longer term wins)."""
    folded = {form for t in terms if t and t.strip() for form in term_forms(t.strip())}
    if not folded:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(folded, key=len, reverse=True)))


def find_terms(text: str, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every occurrence of any term as ``(start, end, folded_term)`` over the original text.

    An occurrence counts however it is spelled where search would find it, and where a reader
    would still read it: Traditional or Simplified, full- or half-width, any case (see
    :func:`fold_with_offsets`), as a phrase (瞭解 for 了解), and split by spaces, U+3000,
    line breaks or invisible characters (PDF and OCR text break lines inside words; two-
    character names are padded to three: 王　伟). Matching ignores those gaps on both sides;
    a span runs from the first to the last character of the occurrence, gaps included.
    Overlapping occurrences found in the character- and phrase-folded forms are both returned
    (:func:`merge_spans` merges them).
    """
    pattern = term_pattern(terms)
    if pattern is None or not text:
        return []
    folded, origin = fold_with_offsets(text)
    squeezed, where = squeeze(folded, origin)
    found = {
        (where[m.start()], where[m.end() - 1] + 1, m.group()) for m in pattern.finditer(squeezed)
    }
    phrased = _phrase_fold(squeezed)
    if phrased is not None:
        found |= {
            (where[m.start()], where[m.end() - 1] + 1, m.group()) for m in pattern.finditer(phrased)
        }
    return sorted(found)


def redaction_spans_for_terms(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Spans masking every occurrence of ``terms`` (see :func:`find_terms`)."""
    return [(start, end) for start, end, _ in find_terms(text, terms)]


def mask_terms(text: str, terms: Iterable[str], mask: str = MARKER) -> str:
    """``text`` with every occurrence of ``terms`` replaced by ``mask`` (one per merged run)."""
    terms = [t for t in terms if t and t.strip()]
    if not terms or not text:
        return text
    return apply_redactions(text, redaction_spans_for_terms(text, terms), mask)
