"""Searching on behalf of a user: the access scope comes from the one visibility policy.

Portal views, the JSON API and the CLI all call :func:`search_for`; none of them builds a scope
itself. Items with a pending hiding change (see :mod:`lantai.search.outbox`) are excluded inside
the engine query for everyone, so a record closed a moment ago is gone from hits, totals and
facets as soon as its transaction commits.

Which index answers (issue 12): a user whose tokens are exactly the public's (anonymous,
registered public, the three admin roles, staff assigned to no fonds) searches the *public*
index, which holds nothing else, so no per-record access filter is needed and no hidden record
can shape a score, a timing, a snippet or a count. Everyone with more (archivists and reviewers
of their fonds, the operator's ``--as staff``) searches the staff index with their tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lantai.archive.visibility import PUBLIC_TOKEN, user_search_tokens
from lantai.search import (
    DEFAULT_PER_PAGE,
    FACET_NAMES,
    STAFF_ONLY_FACETS,
    AccessScope,
    SearchIndex,
    SearchResult,
    SortOrder,
)
from lantai.search.indexer import get_index, get_public_index
from lantai.search.models import SearchOutbox


@dataclass(frozen=True, slots=True)
class Route:
    """The index a user's search runs on, and the scope it runs with there."""

    index: SearchIndex
    scope: AccessScope
    public: bool


def _pending_hides() -> set[int]:
    return set(SearchOutbox.objects.filter(hides=True).values_list("item_id", flat=True))


def scope_for(user: Any) -> AccessScope:
    """The user's scope in the staff index: their tokens, minus pending hiding changes."""
    exclude = _pending_hides()
    tokens = user_search_tokens(user)
    if tokens is None:
        return AccessScope.unrestricted(exclude_ids=exclude)
    return AccessScope(tokens, exclude_ids=exclude)


def route_for(user: Any) -> Route:
    scope = scope_for(user)
    if not scope.everything and scope.tokens == {PUBLIC_TOKEN}:
        # The public index is the access filter; the pending hides are excluded all the same.
        public_scope = AccessScope.unrestricted(exclude_ids=scope.exclude_ids)
        return Route(get_public_index(), public_scope, public=True)
    return Route(get_index(), scope, public=False)


def search_for(
    user: Any,
    query: str,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    sort: str = "relevance",
    facets: bool = True,
) -> SearchResult:
    route = route_for(user)
    order: SortOrder = "date" if sort == "date" else "relevance"
    # The public never sees staff-only facets, so they are not even counted for it.
    names = [n for n in FACET_NAMES if not (route.public and n in STAFF_ONLY_FACETS)]
    result = route.index.search(
        query,
        route.scope,
        facets=names if facets else False,
        page=page,
        per_page=per_page,
        sort=order,
    )
    if route.public:
        for name in STAFF_ONLY_FACETS:
            result.facets.pop(name, None)
    return result


def search_as_operator(query: str, **kwargs: Any) -> SearchResult:
    """The CLI's ``--as staff``: the server operator sees every record."""
    scope_user = type("Operator", (), {"is_superuser": True, "is_active": True})()
    return search_for(scope_user, query, **kwargs)
