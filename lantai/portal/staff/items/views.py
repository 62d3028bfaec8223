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

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lantai.accounts.decorators import staff_view
from lantai.archive.domains import CATEGORIES, OPEN_STATUSES, RETENTION
from lantai.archive.models import Fonds, Item, Series, Volume
from lantai.archive.models.items import ItemQuerySet
from lantai.describing import bulk as bulk_actions
from lantai.describing import forms
from lantai.describing import renumber as renumbering
from lantai.portal.staff.items.filters import SORT_LABELS, ItemFilters
from lantai.portal.staff.printing import form_file

PER_PAGE = 50
MAX_ID_DIGITS = 18  # below 2**63: every such number is a valid database integer
describe_required = staff_view("archive.view_item")
change_required = staff_view("archive.change_item")


@describe_required
def fonds_list(request: HttpRequest) -> HttpResponse:
    fonds = Fonds.objects.assigned_to(request.user).order_by("code")
    return render(request, "items/fonds.html", {"fonds_list": fonds})


def _assigned(request: HttpRequest, code: str) -> Fonds:
    chosen = Fonds.objects.assigned_to(request.user).filter(code=code).first()
    if chosen is None:
        raise Http404
    return chosen


def _listed(request: HttpRequest, chosen: Fonds) -> tuple[ItemFilters, ItemQuerySet]:
    """The filters as typed and the fonds' records they select, in the chosen order."""
    filters = ItemFilters(request.GET or None, fonds=chosen)
    if filters.is_bound:
        filters.is_valid()  # errors are shown beside their fields; valid filters still apply
    return filters, filters.apply(Item.objects.of_fonds_for(request.user, chosen))


@describe_required
def filing_catalogue(request: HttpRequest, fonds: str, fmt: str = "xlsx") -> HttpResponseBase:
    """The 归档文件目录 of the records the list shows (same filters, same order), as XLSX or
    PDF."""
    chosen = _assigned(request, fonds)
    _filters, items = _listed(request, chosen)
    form = forms.filing_form(chosen, items.defer("text", "public_text").iterator(2000))
    return form_file(request, form, fmt, f"{chosen.code}-归档文件目录")


@describe_required
def item_list(request: HttpRequest, fonds: str) -> HttpResponse:
    chosen = _assigned(request, fonds)
    filters, scoped = _listed(request, chosen)
    items = (
        scoped.select_related("series", "batch")
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
            "actions": {code: gettext(label) for code, label in bulk_actions.ACTIONS.items()},
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


@require_POST
@change_required
def bulk(request: HttpRequest, fonds: str) -> HttpResponse:
    """Plan a bulk action and show it; apply it once the user confirms that very plan."""
    chosen = _assigned(request, fonds)
    back = reverse("items-list", args=[chosen.code]) + _query(request.POST.get("back", ""))
    raw = request.POST.getlist("items")
    if not all(v.isascii() and v.isdigit() and len(v) <= MAX_ID_DIGITS for v in raw):
        messages.error(request, gettext("所选档案编号无效，请从列表中重新勾选"))
        return redirect(back)
    ids = [int(v) for v in raw]
    action, value = request.POST.get("action", ""), request.POST.get("value", "")
    confirmed = request.POST.get("fingerprint", "")
    try:
        if confirmed:
            done = bulk_actions.apply(request.user, chosen, ids, action, value, confirmed)
            messages.success(
                request,
                gettext("已批量修改 %(count)s 件档案（%(action)s）。")
                % {"count": len(done.changed), "action": gettext(bulk_actions.ACTIONS[action])},
            )
            return redirect(back)
        planned = bulk_actions.plan(request.user, chosen, ids, action, value)
    except bulk_actions.BulkError as error:
        messages.error(request, str(error))
        return redirect(back)
    return render(
        request,
        "items/bulk.html",
        {
            "fonds": chosen,
            "plan": planned,
            "rows": _plan_rows(planned),
            "action_label": gettext(bulk_actions.ACTIONS[action]),
            "ids": ids,
            "value": value,
            "back": request.POST.get("back", ""),
            "back_url": back,
        },
    )


def _plan_rows(planned: bulk_actions.Plan) -> list[dict[str, object]]:
    """One row per record and field of a plan, labelled and shown as the archivist reads it."""

    def shown(value: object) -> str:
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        if isinstance(value, Series):
            return f"{value.code} {value.name}"
        if isinstance(value, Volume):
            return f"{value.ref_code} {value.title}"
        return "" if value is None else str(value)

    return [
        {
            "item": change.item,
            "field": _label(name),
            "old": shown(old),
            "new": shown(new),
        }
        for change in planned.changed
        for name, (old, new) in change.changes.items()
    ]


def _label(name: str) -> str:
    """A field's label as the item form shows it (its verbose name)."""
    found = Item._meta.get_field(name)
    return str(getattr(found, "verbose_name", name))


def _query(text: str) -> str:
    """A list's query string to return to (only ever a query: no open redirect)."""
    text = text.strip()
    return text if text.startswith("?") and "//" not in text and "\\" not in text else ""


@change_required
def renumber(request: HttpRequest, fonds: str, pk: int) -> HttpResponse:
    """改号: the new parts typed, the plan shown, applied once confirmed with a reason."""
    chosen = _assigned(request, fonds)
    item = get_object_or_404(Item.objects.of_fonds_for(request.user, chosen), pk=pk)
    wanted = {part: request.POST.get(part, "") for part in renumbering.PART_FIELDS}
    reason = request.POST.get("reason", "")
    context: dict[str, object] = {
        "fonds": chosen,
        "item": item,
        "labels": {part: gettext(label) for part, label in renumbering.PART_LABELS.items()},
        "values": renumbering.current_parts(item) if request.method != "POST" else wanted,
        "reason": reason,
    }
    if request.method == "POST":
        try:
            if request.POST.get("confirm"):
                old = request.POST.get("old_code", "")
                new = renumbering.apply(request.user, item.pk, wanted, reason, old)
                messages.success(
                    request, gettext("已改号：%(old)s → %(new)s") % {"old": old, "new": new}
                )
                return redirect("items-list", chosen.code)
            context["plan"] = renumbering.plan(request.user, item, wanted)
        except renumbering.RenumberError as error:
            context["error"] = str(error)
    return render(request, "items/renumber.html", context)
