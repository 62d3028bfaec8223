"""Impact tiers: which records could rank high for a gram, marked when they are indexed.

A common word on a 1 M-record archive matches hundreds of thousands of records, and tantivy-py
cannot prune (see ``_ranking``), so ranking it scores every match; a word of three or four
characters is a phrase of grams, and checking its positions in ~300 k records costs 30–70 ms.
The few records that can reach the top of such a query are the ones where the word is dense:
said often, or in a short text. BM25 (tantivy's: k1 = 1.2, b = 0.75) gives a record holding a
term ``tf`` times, in a field of length ``dl``, the factor

    g(tf, x) = (k1 + 1) × tf / (tf + k1 × (1 − b + b × x)),   x = dl / average length

(times the idf and the clause's boost). When it is indexed, a record gets the token ``gram@i``
in the field ``impact`` for every gram of its ``bi`` stream whose g reaches ``IMPACT_LEVELS[i]``,
measured against ``REFERENCE_LENGTH`` in the ``bi`` field or in the ``words`` field (which the
word clauses of a query score).

A record *without* ``gram@i`` is "cold" for that gram: g < θ in both fields at the reference
length. At search time the real average length differs, and tantivy stores lengths rounded down
(never below ``FIELDNORM_FLOOR`` of the true length), so a cold record's x is at least
ρ = FIELDNORM_FLOOR × reference / average of what it would be at the reference. Over every
(tf, x) with g(tf, x) < θ, g(tf, ρx) is largest as tf grows without bound, which gives
:func:`cold_ceiling`. The phrase's own count, and the count of any query word that holds the
gram, can be no higher than the gram's count, so the same ceiling bounds those clauses.

``_ranking`` ranks a tier (the records marked ``gram@i`` or whose title holds the text) and
accepts its page when its last hit outscores that ceiling. The levels are tried strictest
first: ``@0`` marks a few percent of a common word's records, ``@1`` about a sixth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

BM25_K1 = 1.2  # tantivy's
BM25_B = 0.75
IMPACT_LEVELS = (1.6, 1.3)  # g thresholds, strictest first; below k1 + 1 = 2.2
# Average field lengths of a typical archive (news stories and regulations): a record is marked
# by comparing it with these, not with the archive's own average, so marks never change as the
# archive grows. A very different average costs speed, never correctness (see the docstring).
REFERENCE_LENGTH = {"bi": 400.0, "words": 200.0}
# tantivy keeps field lengths as one byte, rounded down; the coarsest rounding loses under 11 %
# (tests/search/test_impact.py measures it on tantivy itself).
FIELDNORM_FLOOR = 0.85
FIELD = "impact"


def bm25_tf(tf: float, x: float) -> float:
    """BM25's term-frequency factor for ``tf`` occurrences at relative length ``x``."""
    return (BM25_K1 + 1) * tf / (tf + BM25_K1 * (1 - BM25_B + BM25_B * x))


def level_token(gram: str, level: int) -> str:
    return f"{gram}@{level}"


def impact_tokens(grams: Iterable[str], bi_length: int, words_length: int) -> list[str]:
    """The ``impact`` tokens of a record whose ``bi`` stream is ``grams``."""
    x_bi = bi_length / REFERENCE_LENGTH["bi"]
    x_words = words_length / REFERENCE_LENGTH["words"]
    x = min(x_bi, x_words)  # g falls with length: the shorter reading decides
    out: list[str] = []
    for gram, tf in Counter(grams).items():
        g = bm25_tf(tf, x)
        out.extend(level_token(gram, i) for i, theta in enumerate(IMPACT_LEVELS) if g >= theta)
    return out


def cold_ceiling(level: int, field: str, average_length: float) -> float:
    """The highest BM25 factor a record cold at ``level`` can have in ``field`` when the
    field's real average length is ``average_length`` (see the module docstring)."""
    theta = IMPACT_LEVELS[level]
    if average_length <= 0:
        return BM25_K1 + 1
    rho = min(1.0, FIELDNORM_FLOOR * REFERENCE_LENGTH[field] / average_length)
    return (BM25_K1 + 1) / (1 + rho * (BM25_K1 + 1 - theta) / theta)
