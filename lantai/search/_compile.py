"""Query AST → tantivy query, with the access filter inside the engine query.

Shape of every query sent to tantivy::

    Bool[ Must(match), Must(access tokens), MustNot(excluded ids), Should(ranking …) ]

* ``match`` is the strict reading of the AST: every free-text term must occur as a substring
  (a position-exact phrase of grams, see ``_analysis.query_grams``).
* The access clauses are part of the same query, so hit counts, facet counts and snippets are
  computed over visible records only (never a post-filter on a page of hits).
* Ranking clauses never change the set of matches (there is always a Must clause): title
  matches and rjieba word matches add score.
* Every entry point returns a :class:`Compiled` pair: ``ranked`` (the query above, for the
  top hits) and ``matching`` (the same Must/MustNot clauses without the ranking Shoulds, so the
  very same set of records). Facet counts run over ``matching``: no scoring work, and no
  chance of counting anything ``ranked`` would not return, access filter included.
* ``relaxed`` builds the fallback used when the strict query matches nothing: the free-text
  terms become a bag of grams of which at least one must match (ranked OR, as BM25 engines do
  by default); filters, phrases and exclusions stay strict. Exclusions are never loosened, so a
  ``-term`` keeps excluding.
* Filters (dates, codes, exclusions) score 0: only text decides the order.
* ``tiers`` (one free-text term or phrase plus filters) are ``ranked`` restricted to a few
  records: those whose title holds the text, then (for common texts) those where one of its
  grams is dense (``_impact``) or whose title holds it. ``_ranking`` takes a tier's page when a
  score ceiling proves nothing outside the tier can rank.
* ``unfiltered`` (single terms only) is ``ranked`` without the access filter, the pending-change
  exclusions and the query's own filters: a superset of its records with the very same scores
  (the dropped clauses all score 0). Ranking it skips intersecting a common word with the
  access filter; ``_ranking`` then keeps only the candidates ``matching`` accepts.
"""

from __future__ import annotations

from typing import NamedTuple

import tantivy

from ._analysis import QueryGrams, dedupe, fold, query_grams, word_tokens
from ._query import And, DateRange, Keyword, Node, Not, Or, Text, positive_texts, relax
from ._tiers import WORD_BOOST, Tier, TierParts, impact_tiers, title_tier, unscored
from ._types import AccessScope

Occur = tantivy.Occur
TITLE_BOOST = 2.0
MAX_BAG = 256
MAX_WORDS = 32  # rjieba words of one query text that add score
# Up to this many access tokens become a union of term queries (seekable by skip lists inside
# the intersection); a term-set query would decode every posting of 'public' into a bitset on
# each search, a fixed cost that grows with the whole index rather than with the matches.
MAX_TERM_TOKENS = 16


class Compiled(NamedTuple):
    """``ranked`` scores the hits; ``matching`` matches exactly the same records, unscored;
    ``unfiltered``, when not None, ranks a superset of them with the very same scores;
    ``tiers`` are tried in order before ranking everything."""

    ranked: tantivy.Query
    matching: tantivy.Query
    unfiltered: tantivy.Query | None = None
    tiers: tuple[Tier, ...] = ()


class Compiler:
    """Builds engine queries for ``schema``; with a ``searcher`` it also builds impact tiers,
    which depend on how many records hold each gram."""

    def __init__(self, schema: tantivy.Schema, searcher: tantivy.Searcher | None = None) -> None:
        self.schema = schema
        self.searcher = searcher

    # --- entry points -------------------------------------------------------------------
    def strict(self, root: And, scope: AccessScope) -> Compiled:
        match = self.node(root)
        ranking = self._ranking(root)
        compiled = self._wrap(match, ranking, scope)
        single = self._single_text(root)
        if single is None:
            return compiled
        text, grams = single
        title, *words = ranking  # the text's boosted title clause, then its word clauses
        parts = TierParts(self._filters(match, scope), title, words, self._words(text), grams)
        tiers = [title_tier(parts), *impact_tiers(self.schema, self.searcher, parts)]
        return compiled._replace(
            unfiltered=self._unfiltered(text, grams, ranking), tiers=tuple(tiers)
        )

    def relaxed(self, root: And, scope: AccessScope) -> Compiled | None:
        """The fallback query, or None when there is no free text to loosen."""
        keep, loose = relax(root)
        bag = [g for t in loose for g in self._grams(t.value).bag][:MAX_BAG]
        if not bag:
            return None
        shoulds = [(Occur.Should, self._bag_term(g)) for g in bag]
        any_gram = tantivy.Query.boolean_query(shoulds, minimum_number_should_match=1)
        strict_rest = self.node(keep)
        match = any_gram if strict_rest is None else _all_of([any_gram, strict_rest])
        return self._wrap(match, self._ranking(root), scope)

    # --- AST nodes ----------------------------------------------------------------------
    def node(self, node: Node) -> tantivy.Query | None:
        """A query for ``node``; None means 'no constraint' (e.g. only punctuation)."""
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, Keyword):
            values = _keyword_values(node)
            return unscored(tantivy.Query.term_set_query(self.schema, node.field, values))
        if isinstance(node, DateRange):
            return unscored(self._date(node))
        if isinstance(node, Not):
            inner = self.node(node.child)
            if inner is None:
                return None
            return tantivy.Query.boolean_query(
                [(Occur.Must, unscored(tantivy.Query.all_query())), (Occur.MustNot, inner)]
            )
        if isinstance(node, And):
            return self._and(node)
        if isinstance(node, Or):
            parts = [q for q in (self.node(c) for c in node.children) if q is not None]
            if not parts:
                return None
            return tantivy.Query.boolean_query([(Occur.Should, q) for q in parts])
        return None

    def _and(self, node: And) -> tantivy.Query | None:
        clauses: list[tuple[Occur, tantivy.Query]] = []
        for child in node.children:
            if isinstance(child, Not):
                inner = self.node(child.child)
                if inner is not None:
                    clauses.append((Occur.MustNot, inner))
            else:
                q = self.node(child)
                if q is not None:
                    clauses.append((Occur.Must, q))
        if not clauses:
            return None
        if all(o == Occur.MustNot for o, _ in clauses):
            clauses.insert(0, (Occur.Must, unscored(tantivy.Query.all_query())))
        if len(clauses) == 1:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def _text(self, node: Text) -> tantivy.Query | None:
        grams = self._grams(node.value)
        if grams.empty:
            return None
        if node.field == "ref":
            exact = tantivy.Query.term_query(self.schema, "ref_exact", fold(node.value).strip())
            parts = self._grams_query(grams, "ref_bi", "ref_bi")
            if parts is None:
                return exact
            return tantivy.Query.boolean_query([(Occur.Should, exact), (Occur.Should, parts)])
        if node.field == "title":
            return self._grams_query(grams, "title_bi", "title_uni")
        return self._grams_query(grams, "bi", "uni")

    def _grams_query(self, grams: QueryGrams, field: str, uni: str) -> tantivy.Query | None:
        parts: list[tantivy.Query] = []
        if len(grams.phrase) == 1:
            parts.append(tantivy.Query.term_query(self.schema, field, grams.phrase[0][1]))
        elif grams.phrase:
            parts.append(tantivy.Query.phrase_query(self.schema, field, list(grams.phrase)))
        parts.extend(tantivy.Query.term_query(self.schema, uni, c) for c in dedupe(grams.loose))
        return _all_of(parts) if parts else None

    def _date(self, node: DateRange) -> tantivy.Query:
        # Unknown dates are stored as 0 and must not satisfy an open lower bound.
        low = node.low if node.low is not None else 1
        return tantivy.Query.range_query(
            self.schema, "date_key", tantivy.FieldType.Integer, low, node.high
        )

    # --- pruning and bounds ---------------------------------------------------------------
    def _single_text(self, root: And) -> tuple[Text, QueryGrams] | None:
        """The one free-text term of a query made of it plus filters, with its grams, when it
        is one phrase of grams or one character; None for any other query."""
        texts = [c for c in root.children if isinstance(c, Text)]
        others = [c for c in root.children if not isinstance(c, Text)]
        if len(texts) != 1 or texts[0].field is not None:
            return None
        if not all(isinstance(c, DateRange | Keyword | Not) for c in others):
            return None
        grams = self._grams(texts[0].value)
        one_char = not grams.phrase and len(grams.loose) == 1
        if not one_char and (not grams.phrase or grams.loose):
            return None
        return texts[0], grams

    def _unfiltered(
        self, text: Text, grams: QueryGrams, ranking: list[tantivy.Query]
    ) -> tantivy.Query | None:
        """The superset query described in the module docstring, for a single term (without
        the access filter, a phrase's positions would be checked in far more records)."""
        match = self._text(text)
        if match is None or len(grams.phrase) + len(grams.loose) != 1:
            return None
        return tantivy.Query.boolean_query(
            [(Occur.Must, match), *((Occur.Should, q) for q in ranking)]
        )

    def match_bound(self, root: And, searcher: tantivy.Searcher) -> int:
        """An upper bound on how many records ``strict(root)`` can match: the document
        frequency of its rarest required term (the index size when nothing pins it down)."""
        bound = searcher.num_docs
        for child in root.children:
            if isinstance(child, Text) and child.field in (None, "title"):
                grams = self._grams(child.value)
                bi, uni = ("bi", "uni") if child.field is None else ("title_bi", "title_uni")
                for field, token in [(bi, t) for _, t in grams.phrase] + [
                    (uni, c) for c in grams.loose
                ]:
                    bound = min(bound, searcher.doc_freq(field, token))
            elif isinstance(child, Keyword):
                values = _keyword_values(child)
                bound = min(bound, sum(searcher.doc_freq(child.field, v) for v in values))
        return bound

    # --- helpers ------------------------------------------------------------------------
    def _grams(self, value: str) -> QueryGrams:
        return query_grams(fold(value))

    def _bag_term(self, gram: str) -> tantivy.Query:
        field = "bi" if len(gram) > 1 else "uni"
        return tantivy.Query.term_query(self.schema, field, gram)

    def _ranking(self, root: And) -> list[tantivy.Query]:
        out: list[tantivy.Query] = []
        for text in positive_texts(root):
            if text.field is not None:
                continue
            grams = self._grams(text.value)
            title = self._grams_query(grams, "title_bi", "title_uni")
            if title is not None:
                out.append(tantivy.Query.boost_query(title, TITLE_BOOST))
            for word in self._words(text):
                term = tantivy.Query.term_query(self.schema, "words", word)
                out.append(tantivy.Query.boost_query(term, WORD_BOOST))
        return out

    def _words(self, text: Text) -> list[str]:
        """The rjieba words of ``text`` that add score (the ``words`` field)."""
        return dedupe(word_tokens(fold(text.value)))[:MAX_WORDS]

    def _wrap(
        self, match: tantivy.Query | None, ranking: list[tantivy.Query], scope: AccessScope
    ) -> Compiled:
        clauses = self._filters(match, scope)
        # There is always a Must clause, so the Shoulds below only add score: ``matching``
        # (without them) selects exactly the records ``ranked`` does.
        shoulds = [(Occur.Should, q) for q in ranking]
        return Compiled(
            ranked=tantivy.Query.boolean_query(clauses + shoulds),
            matching=tantivy.Query.boolean_query(clauses),
        )

    def _filters(
        self, match: tantivy.Query | None, scope: AccessScope
    ) -> list[tuple[Occur, tantivy.Query]]:
        """``match`` plus the access filter and the pending-change exclusions."""
        clauses: list[tuple[Occur, tantivy.Query]] = [
            (Occur.Must, match if match is not None else tantivy.Query.all_query())
        ]
        access = self.access_filter(scope)
        if access is not None:
            clauses.append((Occur.Must, access))
        if scope.exclude_ids:
            ids = sorted(scope.exclude_ids)
            clauses.append((Occur.MustNot, tantivy.Query.term_set_query(self.schema, "id", ids)))
        return clauses

    def access_filter(self, scope: AccessScope) -> tantivy.Query | None:
        """None for an unrestricted scope; an empty token set matches nothing (fail closed)."""
        if scope.everything:
            return None
        if not scope.tokens:
            return tantivy.Query.empty_query()
        tokens = sorted(scope.tokens)
        if len(tokens) > MAX_TERM_TOKENS:
            allowed = tantivy.Query.term_set_query(self.schema, "access", tokens)
        elif len(tokens) == 1:
            allowed = tantivy.Query.term_query(self.schema, "access", tokens[0])
        else:
            terms = [tantivy.Query.term_query(self.schema, "access", t) for t in tokens]
            allowed = tantivy.Query.boolean_query([(Occur.Should, q) for q in terms])
        return tantivy.Query.const_score_query(allowed, 0.0)


def _keyword_values(node: Keyword) -> list[str]:
    """Codes match as typed, upper- or lower-case (``fonds:j001`` finds ``J001``)."""
    return dedupe([node.value, node.value.upper(), node.value.lower()])


def _all_of(parts: list[tantivy.Query]) -> tantivy.Query:
    if len(parts) == 1:
        return parts[0]
    return tantivy.Query.boolean_query([(Occur.Must, q) for q in parts])
