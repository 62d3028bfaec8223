"""The archivist's item list (著录整理): one fonds at a time, filtered, sorted, paged.

Decisions:

- Only fonds assigned to the user are listed or opened (``Fonds.objects.assigned_to``); another
  fonds' list is a 404, the same answer as a fonds that does not exist, so the page does not
  tell a member of staff which other fonds there are.
- The rows come from ``Item.objects.of_fonds_for(user, fonds)``: the one access policy, asked
  once for the fonds (its staff see all of it) rather than row by row, never a query of its own.
- Fifty rows a page, counted by the database; the filters stay in every paging and sorting
  link, so a tablet user never loses them.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from lantai.accounts.decorators import staff_view
from lantai.archive.domains import CATEGORIES, OPEN_STATUSES, RETENTION
from lantai.archive.models import Fonds, Item
from lantai.portal.staff.items.filters import SORT_LABELS, ItemFilters

PER_PAGE = 50
describe_required = staff_view("archive.view_item")


@describe_required
def fonds_list(request: HttpRequest) -> HttpResponse:
    fonds = Fonds.objects.assigned_to(request.user).order_by("code")
    return render(request, "items/fonds.html", {"fonds_list": fonds})


@describe_required
def item_list(request: HttpRequest, fonds: str) -> HttpResponse:
    chosen = Fonds.objects.assigned_to(request.user).filter(code=fonds).first()
    if chosen is None:
        raise Http404
    filters = ItemFilters(request.GET or None, fonds=chosen)
    if filters.is_bound:
        filters.is_valid()  # errors are shown beside their fields; valid filters still apply
    scoped = Item.objects.of_fonds_for(request.user, chosen)
    items = (
        filters.apply(scoped)
        .select_related("series", "batch")
        # The full text can be megabytes a record: the list only says whether there is one.
        .defer("text", "public_text", "description", "redactions", "masks")
        .annotate(has_full_text=ExpressionWrapper(~Q(text=""), output_field=BooleanField()))
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    unsorted = kept.copy()
    unsorted.pop("sort", None)
    return render(
        request,
        "items/list.html",
        {
            "fonds": chosen,
            "filters": filters,
            "page": page,
            "rows": [_row(item) for item in page],
            "query": kept.urlencode(),
            "unsorted": unsorted.urlencode(),
            "sorts": SORT_LABELS,
            "sort": request.GET.get("sort", "ref_code"),
        },
    )


def _row(item: Item) -> dict[str, object]:
    def label(domain: dict[str, str], code: str) -> str:
        return gettext(domain[code]) if code in domain else code

    return {
        "item": item,
        "category": label(CATEGORIES, item.category),
        "retention": label(RETENTION, item.retention),
        "open_status": label(OPEN_STATUSES, item.open_status),
        "has_text": bool(getattr(item, "has_full_text", False)),
    }
