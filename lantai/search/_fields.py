"""The search fields a record is filtered and counted by, in one table (architecture §7).

Each row says what the field is called in a :class:`~._types.SearchDocument` and in the index,
how tantivy stores it, whether it is a facet (and how many buckets are counted), the keyword
that filters on it in the query language, its label (a msgid of the portal's catalogue: the
core stays Django-free, the portal translates) and whether only staff may see its counts.

The schema (``_schema``), the document (``_backend_tantivy``), facet counting (``_counting``,
``_index``), the query language's keyword filters (``_query``), the service's staff-only rule
and the portal's facet labels and refinement links all read this table, so a new facet is one
row here (and the value it takes from the model in ``search/indexer.py``).

The text the engine matches (档号, 题名, 正文) is analysed into gram streams (``_analysis``)
rather than stored field by field; its query keywords are :data:`TEXT_ALIASES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ._types import SearchDocument, year_of

Kind = Literal["keyword", "integer"]


@dataclass(frozen=True, slots=True)
class SearchField:
    """One filter/facet field of the index.

    ``attr`` is the :class:`SearchDocument` attribute the value comes from (a list when
    ``multi``); ``name`` is the tantivy field and the facet's key in results. ``alias`` is the
    query keyword that narrows to one value: a keyword field matches the value exactly
    (``type:WS``); ``year``'s alias is ``date:``, the date-range filter, which a year satisfies.
    """

    name: str
    attr: str
    kind: Kind
    label: str
    facet_size: int = 0
    alias: str | None = None
    multi: bool = False
    staff_only: bool = False
    default: str | None = None
    derive: Callable[[SearchDocument], int | None] | None = None

    @property
    def facet(self) -> bool:
        return self.facet_size > 0

    def numbers(self, doc: SearchDocument) -> list[int]:
        """The values an integer field indexes for ``doc`` (none or one)."""
        number = self.derive(doc) if self.derive else getattr(doc, self.attr)
        return [] if number is None else [int(number)]

    def keywords(self, doc: SearchDocument) -> list[str]:
        """The values a keyword field indexes for ``doc`` (none, one, or several when
        ``multi``)."""
        value = getattr(doc, self.attr)
        if self.multi:
            return [str(v) for v in dict.fromkeys(value) if v]
        text = value or self.default
        return [str(text)] if text else []


# In the order the facets are counted and shown (the portal lists them so).
FIELDS: tuple[SearchField, ...] = (
    SearchField("fonds", "fonds", "keyword", "全宗", facet_size=100, alias="fonds"),
    SearchField("year", "year", "integer", "年度", facet_size=300, alias="date", derive=year_of),
    SearchField("category", "category", "keyword", "门类", facet_size=50, alias="type"),
    SearchField("topic", "topics", "keyword", "主题", facet_size=50, multi=True),
    SearchField(
        "open_status",
        "open_status",
        "keyword",
        "开放状态",
        facet_size=10,
        staff_only=True,
        default="unreviewed",
    ),
)
FACET_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS if f.facet)
STAFF_ONLY_FACETS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.staff_only)
FACET_SIZES: dict[str, int] = {f.name: f.facet_size for f in FIELDS if f.facet}
KEYWORD_FIELDS: tuple[SearchField, ...] = tuple(f for f in FIELDS if f.kind == "keyword")
INTEGER_FIELDS: tuple[SearchField, ...] = tuple(f for f in FIELDS if f.kind == "integer")

# Query keywords over the analysed text: ``title:`` (题名) and ``ref:`` (档号).
TEXT_ALIASES = {"title": "title", "ref": "ref"}
# Query keywords that filter on a keyword field exactly: ``fonds:J001``, ``type:WS``.
KEYWORD_ALIASES = {f.alias: f.name for f in KEYWORD_FIELDS if f.alias}
