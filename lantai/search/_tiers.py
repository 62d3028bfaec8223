"""Tiers of a single-text query: ``ranked`` restricted to a few records, and what bounds the
score of every other record (``_ranking`` decides whether a tier's page is the answer).

* The **title tier**: the records whose title holds the text.
* The **impact tiers** (``_impact``), for texts common enough to be slow to rank: per level, the
  records marked dense for the text's least-marked gram, or whose title holds the text (so that
  no record outside the tier has a title score).
"""

from __future__ import annotations

from typing import NamedTuple

import tantivy

from . import _impact
from ._analysis import QueryGrams

Occur = tantivy.Occur
WORD_BOOST = 0.5
# Impact tiers are tried only for texts that may match this many records (below it, ranking
# every match is as cheap as a tier), and only at levels that mark under half of them.
IMPACT_FROM = 20_000


class Bound(NamedTuple):
    """A score-bearing clause that records outside a tier may still match: its field, the
    terms whose idf it sums, its boost, and the impact level its records are known to be cold
    at (None: nothing is known, BM25's plain ceiling applies)."""

    field: str
    tokens: tuple[str, ...]
    boost: float
    level: int | None = None


class Tier(NamedTuple):
    """Some records of ``ranked``, scored as ``ranked`` scores them (``query``), and the
    clauses that bound the score of every other record (see ``_ranking``)."""

    query: tantivy.Query
    outside: tuple[Bound, ...]


class TierParts(NamedTuple):
    """The pieces of ``ranked`` for one text plus filters: its Must/MustNot clauses (match,
    access filter, exclusions), the text's boosted title clause, its word clauses and the words
    they score, and the text's grams."""

    filters: list[tuple[Occur, tantivy.Query]]
    title: tantivy.Query
    word_clauses: list[tantivy.Query]
    words: list[str]
    grams: QueryGrams


def title_tier(parts: TierParts) -> Tier:
    """``ranked`` with its title clause required: the same scores, title matches only."""
    clauses = [*parts.filters, (Occur.Must, parts.title), *_shoulds(parts.word_clauses)]
    # The match clause: one term, or one phrase whose idf tantivy sums over its terms.
    if parts.grams.phrase:
        matched = Bound("bi", tuple(token for _, token in parts.grams.phrase), 1.0)
    else:
        matched = Bound("uni", parts.grams.loose, 1.0)
    outside = (matched, *(Bound("words", (w,), WORD_BOOST) for w in parts.words))
    return Tier(tantivy.Query.boolean_query(clauses), outside)


def impact_tiers(
    schema: tantivy.Schema, searcher: tantivy.Searcher | None, parts: TierParts
) -> list[Tier]:
    """For a text common enough to be slow to rank: per impact level, ``ranked`` restricted to
    the records marked dense for its least-marked gram or whose title holds it."""
    tokens = tuple(token for _, token in parts.grams.phrase)
    if searcher is None or not tokens:
        return []
    matches = min(searcher.doc_freq("bi", t) for t in tokens)
    if matches < IMPACT_FROM:
        return []
    tiers = []
    for level in range(len(_impact.IMPACT_LEVELS)):
        marks = {_impact.level_token(t, level): t for t in tokens}
        mark = min(marks, key=lambda m: searcher.doc_freq(_impact.FIELD, m))
        if 2 * searcher.doc_freq(_impact.FIELD, mark) > matches:
            continue
        dense = tantivy.Query.term_query(schema, _impact.FIELD, mark)
        gate = tantivy.Query.boolean_query(
            [(Occur.Should, unscored(dense)), (Occur.Should, parts.title)]
        )
        clauses = [*parts.filters, (Occur.Must, gate), *_shoulds(parts.word_clauses)]
        gram = marks[mark]
        outside = (
            Bound("bi", tokens, 1.0, level),
            *(
                Bound("words", (w,), WORD_BOOST, level if _holds(w, gram) else None)
                for w in parts.words
            ),
        )
        tiers.append(Tier(tantivy.Query.boolean_query(clauses), outside))
    return tiers


def unscored(query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.const_score_query(query, 0.0)


def _shoulds(queries: list[tantivy.Query]) -> list[tuple[Occur, tantivy.Query]]:
    return [(Occur.Should, q) for q in queries]


def _holds(word: str, gram: str) -> bool:
    """Whether every occurrence of ``word`` puts ``gram`` in the ``bi`` stream, so that the
    word occurs no more often than the gram (a lone character is a gram only at a run's end)."""
    return len(gram) == 2 and gram in word
