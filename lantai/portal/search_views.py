"""The public search page (查档): one box, the query language, facets, highlights, paging.

Results, totals, facet counts and snippets all come from ``search_for(request.user, …)``, so
the page shows exactly what the visibility policy allows and nothing is filtered afterwards.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from lantai.archive.domains import CATEGORIES, OPEN_STATUSES
from lantai.search import DEFAULT_PER_PAGE, FIELDS, MAX_PAGE, MAX_QUERY_CHARS, RebuildRequired
from lantai.search.service import search_for

PER_PAGE = DEFAULT_PER_PAGE
# A facet's label and the query keyword that narrows to one of its values come from the search
# field table (lantai/search/_fields.py); a facet without a keyword refines by a quoted phrase.
FACETS = {f.name: f for f in FIELDS if f.facet}


def _facet_label(name: str, key: str) -> str:
    # The domain labels are in the catalogue (see tests/portal/test_i18n.py); codes stay as-is.
    if name == "category":
        return gettext(CATEGORIES[key]) if key in CATEGORIES else key
    if name == "open_status":
        return gettext(OPEN_STATUSES[key]) if key in OPEN_STATUSES else key
    return key


def _facet_links(query: str, sort: str, facets: dict[str, dict[str, int]]) -> list[dict]:
    groups = []
    for name, counts in facets.items():
        if not counts or name not in FACETS:
            continue
        field = FACETS[name].alias
        entries = []
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]:
            refined = f"{query} {field}:{key}" if field else f'{query} "{key}"'
            entries.append(
                {
                    "label": _facet_label(name, key),
                    "count": count,
                    "url": "?" + urlencode({"q": refined.strip(), "sort": sort}),
                }
            )
        groups.append({"label": gettext(FACETS[name].label), "entries": entries})
    return groups


def _page_links(query: str, sort: str, page: int, total: int) -> dict:
    last = max(1, min((total + PER_PAGE - 1) // PER_PAGE, MAX_PAGE))

    def url(n: int) -> str:
        return "?" + urlencode({"q": query, "sort": sort, "page": n})

    return {
        "page": page,
        "last": last,
        "prev": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < last else None,
    }


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, min(int(value or default), MAX_PAGE))
    except ValueError:
        return default


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    sort = "date" if request.GET.get("sort") == "date" else "relevance"
    page = _int(request.GET.get("page"), 1)
    context: dict = {"query": query, "sort": sort}
    if query:
        try:
            result = search_for(request.user, query, page=page, per_page=PER_PAGE, sort=sort)
        except RebuildRequired:
            context["unavailable"] = True
            return render(request, "portal/search.html", context, status=503)
        for hit in result.hits:
            hit.snippet = mark_safe(hit.snippet)  # escaped by the engine; only <mark> added
        context.update(
            result=result,
            facets=_facet_links(query, sort, result.facets),
            paging=_page_links(query, sort, page, result.total),
            sort_urls={
                "relevance": "?" + urlencode({"q": query}),
                "date": "?" + urlencode({"q": query, "sort": "date"}),
            },
        )
    return render(request, "portal/search.html", context)
