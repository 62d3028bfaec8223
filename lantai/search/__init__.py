"""Lantai's search engine core (architecture §7–8): plain Python over tantivy, no Django import.

The stable API is what this module exports; everything in the underscored modules is private:

* ``_analysis``  — folding and pre-made tokens (bigram/unigram streams, rjieba words)
* ``_query``     — the query language: parser → AST, never raises
* ``_fields``    — the filter/facet fields, one table (schema, documents, facets, aliases, labels)
* ``_schema``    — the versioned tantivy schema
* ``_compile``   — AST → tantivy query, access filter included
* ``_backend_tantivy`` — documents, generations, facets
* ``_snippets``  — highlights cut from the ORIGINAL text via a folded→original offset map
* ``_store``     — generation directories and the atomic ``CURRENT`` swap
* ``_index``     — ``SearchIndex``: the writer, reloading and searching
* ``_rebuild``   — ``rebuild`` (a whole generation aside) and ``prepare``
* ``_ranking``   — the top hits, through exact shortcuts (``_tiers``, ``_impact``) when possible
* ``_counting``  — totals and facets, estimated from a fixed sample when the set is huge

Typical use::

    index = SearchIndex(data_dir / "index")
    index.add_or_replace([SearchDocument(id=1, title="…", body="…", access=["public"])])
    index.commit()
    result = index.search('档案 -草稿 date:2019..2021', AccessScope.public())
"""

from ._fields import FACET_NAMES, FIELDS, STAFF_ONLY_FACETS, SearchField
from ._index import SearchIndex
from ._query import parse as parse_query
from ._rebuild import Prepared, RebuildStats, prepare, rebuild
from ._schema import SCHEMA_VERSION
from ._types import (
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    AccessScope,
    Hit,
    OpenStatus,
    RebuildRequired,
    SearchDocument,
    SearchError,
    SearchResult,
    SortOrder,
    WriterBusy,
)

__all__ = [
    "DEFAULT_PER_PAGE",
    "FACET_NAMES",
    "FIELDS",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "SCHEMA_VERSION",
    "STAFF_ONLY_FACETS",
    "AccessScope",
    "Hit",
    "OpenStatus",
    "Prepared",
    "RebuildRequired",
    "RebuildStats",
    "SearchDocument",
    "SearchError",
    "SearchField",
    "SearchIndex",
    "SearchResult",
    "SortOrder",
    "WriterBusy",
    "parse_query",
    "prepare",
    "rebuild",
]
