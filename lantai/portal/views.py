"""Public pages. Every record shown goes through ``Item.objects.visible_to`` (architecture §8)."""

from __future__ import annotations

from django.db.models import Count
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from lantai.access import catalogue
from lantai.access.publication import full_rendition, public_rendition
from lantai.access.regions import active_regions
from lantai.archive.models import Fonds, Item
from lantai.archive.visibility import sees_unredacted


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    visible = Item.objects.visible_to(request.user)
    fonds = (
        Fonds.objects.filter(items__in=visible)
        .annotate(visible_count=Count("items"))
        .order_by("code")
    )
    latest = [
        {"item": item, "shown": public_rendition(item)}
        for item in visible.select_related("fonds").order_by("-year", "ref_code")[:20]
    ]
    return render(request, "portal/home.html", {"fonds_list": fonds, "latest": latest})


@require_safe
def open_catalogue(request: HttpRequest) -> HttpResponseBase:
    """The public catalogue of opened records (开放档案目录), CSV or XLSX."""
    fonds = request.GET.get("fonds", "")[:16]
    if request.GET.get("format") == "xlsx":
        # Streamed from a temporary file (deleted when the response closes it).
        return FileResponse(
            catalogue.xlsx_file(fonds),
            as_attachment=True,
            filename="open-catalogue.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        catalogue.csv_lines(fonds), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="open-catalogue.csv"'
    return response


def _staff_links(user, item: Item) -> dict[str, bool]:
    """Which staff pages of this record the signed-in user works in: found by search, a record
    is edited or reviewed from its own page (the staff pages check again)."""
    if not user.is_authenticated or not Fonds.objects.assigned_to(user).filter(pk=item.fonds_id):
        return {}
    return {
        "edit": user.has_perm("archive.change_item"),
        "review": user.has_perm("archive.review_item"),
    }


@require_safe
def item_detail(request: HttpRequest, ref_code: str) -> HttpResponseBase:
    visible = Item.objects.visible_to(request.user)
    item = visible.select_related("fonds", "series").filter(ref_code=ref_code).first()
    if item is None:
        # A former 档号 (renumbered) leads to the record for whoever may see it; for anyone
        # else it is as unknown as a number that never existed.
        moved = visible.filter(former_codes__old_code=ref_code).values_list("ref_code", flat=True)
        if current := moved.first():
            return redirect("item", ref_code=current, permanent=True)
        raise Http404
    full = sees_unredacted(request.user, item)
    shown = full_rendition(item) if full else public_rendition(item)
    # A file of a masked item is offered only with regions drawn on it (lantai.access.regions):
    # without them its copy would be the masked text, which the page shows already.
    files = [
        {"component": c, "name": shown.file_name(c), "regions": bool(active_regions(c))}
        for c in item.components.all()
        if c.role == "master"
    ]
    if not full:
        files = [f for f in files if f["regions"] or not item.is_redacted]
    context = {
        "item": item,
        "shown": shown,
        "display_text": shown.body,
        "files": files,
        "regions_masked": not full and any(f["regions"] for f in files),
        "staff_links": _staff_links(request.user, item),
    }
    return render(request, "portal/item.html", context)
