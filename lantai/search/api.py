"""``/api/search``: the JSON search endpoint, access-scoped like every other surface.

Hits carry no relevance score (issue 12): a raw BM25 score is a statistic of the index it came
from, a side channel the public has no use for; the order of the hits is the ranking.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lantai.search import DEFAULT_PER_PAGE, RebuildRequired
from lantai.search.service import search_for

router = Router(tags=["search"])


class HitOut(Schema):
    ref_code: str
    title: str
    date: str | None
    snippet: str


class SearchOut(Schema):
    """``SearchResult.as_json()``, the one JSON shape of a result (the CLI's adds id, score)."""

    total: int
    total_estimated: bool = Field(
        description="True when total and facet counts are estimated from a sample (huge sets)"
    )
    page: int
    relaxed: bool
    hits: list[HitOut]
    facets: dict[str, dict[str, int]]


class InvalidOut(Schema):
    """Ninja's answer to a parameter that does not parse (e.g. ``page=abc``)."""

    detail: list[dict]


class UnavailableOut(Schema):
    """The index is being (re)built, e.g. right after an upgrade: ask again shortly."""

    detail: str


UNAVAILABLE = (
    "检索索引正在重建，请稍后再试。/ The search index is being rebuilt; try again shortly."
)


@router.get(
    "/search",
    response={200: SearchOut, 422: InvalidOut, 503: UnavailableOut},
    summary="全文检索 / full-text search",
)
def search(
    request: HttpRequest,
    q: str = "",
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    sort: str = "relevance",
) -> dict | Status:
    # The bounds (query length, page, page size) are the engine's (lantai.search.MAX_*).
    try:
        result = search_for(request.user, q, page=page, per_page=per_page, sort=sort)
    except RebuildRequired:
        return Status(503, {"detail": UNAVAILABLE})
    return result.as_json()
