"""Searching on behalf of a user: the access scope comes from the one visibility policy.

Portal views, the JSON API and the CLI all call :func:`search_for`; none of them builds a scope
itself. Items with a pending hiding change (see :mod:`lantai.search.outbox`) are excluded inside
the engine query for everyone, so a record closed a moment ago is gone from hits, totals and
facets as soon as its transaction commits.
"""

from __future__ import annotations

from typing import Any

from lantai.access.policy import user_search_tokens
from lantai.search import FACET_NAMES, AccessScope, SearchResult
from lantai.search.indexer import get_index
from lantai.search.models import SearchOutbox

STAFF_ONLY_FACETS = ("open_status",)


def scope_for(user: Any) -> AccessScope:
    pending = SearchOutbox.objects.filter(hides=True).values_list("item_id", flat=True)
    exclude = set(pending)
    tokens = user_search_tokens(user)
    if tokens is None:
        return AccessScope.unrestricted(exclude_ids=exclude)
    return AccessScope(tokens, exclude_ids=exclude)


def search_for(
    user: Any,
    query: str,
    *,
    page: int = 1,
    per_page: int = 20,
    sort: str = "relevance",
    facets: bool = True,
) -> SearchResult:
    scope = scope_for(user)
    sort = sort if sort in ("relevance", "date") else "relevance"
    public = scope.tokens == {"public"} and not scope.everything
    # The public never sees staff-only facets, so they are not even counted for it.
    names = [n for n in FACET_NAMES if not (public and n in STAFF_ONLY_FACETS)]
    result = get_index().search(
        query, scope, facets=names if facets else False, page=page, per_page=per_page, sort=sort
    )
    if public:
        for name in STAFF_ONLY_FACETS:
            result.facets.pop(name, None)
    return result


def search_as_operator(query: str, **kwargs: Any) -> SearchResult:
    """The CLI's ``--as staff``: the server operator sees every record."""
    scope_user = type("Operator", (), {"is_superuser": True, "is_active": True})()
    return search_for(scope_user, query, **kwargs)
