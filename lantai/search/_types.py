"""Public value types of the search facade (re-exported by ``lantai.search``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

OpenStatus = Literal["unreviewed", "open", "controlled", "closed"]
SortOrder = Literal["relevance", "date"]

# The bounds of one search, the same on every surface (portal, JSON API, CLI): bounded work per
# request. The engine applies them (``SearchIndex.search``, ``_query.parse``); surfaces read them
# here to show the same limits (the portal's last page link, the query box's length).
MAX_QUERY_CHARS = 500  # longer input is cut
MAX_PAGE = 500
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_OFFSET = 10_000  # deep paging is a crawler's game


def clamp_page(page: int) -> int:
    return max(1, min(int(page), MAX_PAGE))


def clamp_per_page(per_page: int) -> int:
    return max(1, min(int(per_page), MAX_PER_PAGE))


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class SearchError(Exception):
    """Base class of errors raised by the search engine."""


class RebuildRequired(SearchError):
    """The index on disk was built with another schema version (or is missing/corrupt).

    Run ``lantai reindex`` (:func:`lantai.search.rebuild`) to build a current one.
    """


class WriterBusy(SearchError):
    """Another process holds the index writer (architecture §7: one indexer at a time)."""


@dataclass(slots=True)
class SearchDocument:
    """Everything the engine needs to know about one record.

    ``body`` and ``title`` are the ORIGINAL text (snippets are cut from it); folding happens
    inside the engine. ``access`` lists the visibility tokens that may see the record, e.g.
    ``['public', 'fonds:J001']``; a record with no tokens is visible only to unrestricted scopes
    (the system fails closed).
    """

    id: int
    ref_code: str = ""
    title: str = ""
    body: str = ""
    date: str | None = None
    year: int | None = None
    fonds: str = ""
    category: str = ""
    topics: list[str] = field(default_factory=list)
    series_path: str = ""
    open_status: OpenStatus = "unreviewed"
    access: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, init=False)
class AccessScope:
    """The visibility tokens a searcher holds, and ids to hide regardless.

    ``exclude_ids`` are records whose visibility changed in a committed transaction that the
    index has not applied yet (their ids come from the search outbox). They are excluded inside
    the engine query, so totals, facets and snippets never include them.
    """

    tokens: frozenset[str]
    everything: bool
    exclude_ids: frozenset[int]

    def __init__(
        self,
        tokens: Iterable[str] = (),
        *,
        everything: bool = False,
        exclude_ids: Iterable[int] = (),
    ) -> None:
        object.__setattr__(self, "tokens", frozenset(tokens))
        object.__setattr__(self, "everything", bool(everything))
        object.__setattr__(self, "exclude_ids", frozenset(int(i) for i in exclude_ids))

    @classmethod
    def public(cls, exclude_ids: Iterable[int] = ()) -> AccessScope:
        return cls(["public"], exclude_ids=exclude_ids)

    @classmethod
    def unrestricted(cls, exclude_ids: Iterable[int] = ()) -> AccessScope:
        """Every record (maintenance tools; architecture §1 has no production super-user)."""
        return cls(everything=True, exclude_ids=exclude_ids)


@dataclass(slots=True)
class Hit:
    id: int
    ref_code: str
    title: str
    date: str | None
    snippet: str
    score: float

    def as_dict(self, *, detail: bool = True) -> dict[str, object]:
        """A hit as JSON. ``detail`` adds the database id and the engine's score, which only the
        operator's CLI prints: a score is a statistic of the index, a side channel (issue 12)."""
        shown: dict[str, object] = {
            "ref_code": self.ref_code,
            "title": self.title,
            "date": self.date,
            "snippet": self.snippet,
        }
        return {"id": self.id, **shown, "score": self.score} if detail else shown


@dataclass(slots=True)
class SearchResult:
    """``relaxed`` is True when nothing matched every term and the engine fell back to ranked
    matching of any term (the UI should say so). ``estimated`` is True when ``total`` and the
    facet counts are estimates from a fixed sample of the visible matches, rounded to three
    significant digits (huge result sets, see ``_counting``; the UI says "about")."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    page: int = 1
    per_page: int = 20
    relaxed: bool = False
    estimated: bool = False

    def as_json(self, *, detail: bool = False) -> dict[str, object]:
        """The result's one JSON shape, for ``/api/search`` and ``lantai search --json``
        (``detail``: hits with id and score, see :meth:`Hit.as_dict`)."""
        return {
            "total": self.total,
            "total_estimated": self.estimated,
            "page": self.page,
            "relaxed": self.relaxed,
            "hits": [hit.as_dict(detail=detail) for hit in self.hits],
            "facets": self.facets,
        }


def date_key(date: str | None) -> int:
    """Sortable integer for a partial ISO date: '2020' → 20200000, '2020-03-05' → 20200305."""
    if not date:
        return 0
    m = _DATE.match(date.strip())
    if not m:
        return 0
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if month > 12 or day > 31:
        return 0
    return year * 10000 + month * 100 + day


def year_of(doc: SearchDocument) -> int | None:
    if doc.year is not None:
        return doc.year
    key = date_key(doc.date)
    return key // 10000 if key else None
