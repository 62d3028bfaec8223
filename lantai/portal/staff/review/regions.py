"""区域遮蔽 on the review workbench: the page images a reviewer draws on, and lifting regions.

Decisions recorded here:

- The reviewer draws on a page image made by the same code that makes the public copy
  (:mod:`lantai.access.pdfpages`), watermarked with the reviewer's name; a rectangle therefore
  covers on the public copy exactly what it covered on the screen. ``?public=1`` shows the page
  as the public will get it, regions burnt in.
- New regions travel with the decision (fields ``regions-<file id>`` of the decision form), so
  drawing, masking words and deciding are one submission and one transaction; lifting a region
  is a decision of its own, with a reason, like lifting a masked word.
- A PDF is drawn on one page at a time (``?file=<id>&page=<n>`` on the record's page): rendering
  every page of a long file for one review would take minutes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from lantai.access.pdfpages import PageError, render_page
from lantai.access.regions import (
    PDF_TYPE,
    Region,
    active_regions,
    add_regions,
    boxes_by_page,
    maskable,
    pages_of,
    parse_regions,
    remove_regions,
)
from lantai.access.review import ReviewError
from lantai.access.watermark import WatermarkError, watermark_image
from lantai.archive.models import Component, Item
from lantai.audit.chain import record
from lantai.portal.delivery import Mark
from lantai.portal.staff.review.scope import own_items, parse_ids, review_required

PAGE_SIDE = 1600


def editors(item: Item, query: Any) -> dict[int, dict[str, Any]]:
    """For each image or PDF of ``item`` (by component id): the page shown for drawing, the
    page count and the regions in force on that page (in percent, for the SVG overlay)."""
    shown_file = query.get("file", "")
    found = {}
    for component in item.components.filter(role="master").order_by("id"):
        if not maskable(component):
            continue
        pages = pages_of(component)
        page = 1
        if shown_file == str(component.pk) and query.get("page", "").isdigit():
            page = min(max(1, int(query["page"])), max(pages, 1))
        entries = active_regions(component)
        found[component.pk] = {
            "pdf": component.mime_type == PDF_TYPE,
            "pages": pages,
            "page": page,
            "previous": page - 1 if page > 1 else None,
            "next": page + 1 if page < pages else None,
            "on_page": [_percent(e) for e in entries if int(e["page"]) == page],
            "regions": [_percent(e) for e in entries],
            "history": [e for e in component.regions or [] if e.get("removed_at")],
        }
    return found


def _percent(entry: dict) -> dict[str, Any]:
    def pct(key: str) -> str:
        return f"{float(entry[key]) * 100:.2f}"

    return {**entry, "px": pct("x"), "py": pct("y"), "pw": pct("w"), "ph": pct("h")}


def from_decision(item: Item, post: Any) -> list[tuple[Component, list[Region]]]:
    """The regions drawn on each file of ``item`` in a decision form (may be empty)."""
    drawn = []
    for component in item.components.filter(role="master").order_by("id"):
        text = post.get(f"regions-{component.pk}", "")
        if not text.strip():
            continue
        try:
            regions = parse_regions(text, pages_of(component))
        except ReviewError as error:
            raise ReviewError(f"{component.display_name}：{error}") from None
        drawn.append((component, regions))
    return drawn


def apply(drawn: list[tuple[Component, list[Region]]], reason: str) -> int:
    """Add the drawn regions (inside the decision's transaction); how many were added."""
    for component, regions in drawn:
        add_regions(component, regions, reason)
    return sum(len(regions) for _, regions in drawn)


@require_safe
@review_required
def page_image(request: HttpRequest, pk: int, component_id: int, page: int) -> HttpResponse:
    """Page ``page`` of an image or PDF under review as a watermarked JPEG (``?public=1``: with
    the regions in force burnt in, as the public copy has them)."""
    item = get_object_or_404(own_items(request.user), pk=pk)
    component = get_object_or_404(item.components.filter(role="master"), pk=component_id)
    if not maskable(component):
        raise Http404(gettext("该文件不是图像或 PDF"))
    path = Path(settings.STORAGE_DIR) / component.stored_path
    mark = Mark(
        viewer=request.user.get_username(), when=timezone.localtime(), archive=settings.ARCHIVE_NAME
    )
    boxes = boxes_by_page(component).get(page, []) if request.GET.get("public") == "1" else []
    try:
        if component.mime_type == PDF_TYPE:
            import io

            buffer = io.BytesIO()
            render_page(path, page, PAGE_SIDE).save(buffer, "PNG")
            source: Path | bytes = buffer.getvalue()
        elif page == 1:
            source = path
        else:
            raise Http404(gettext("图像只有一页"))
        content = watermark_image(source, max_side=PAGE_SIDE, format="JPEG", regions=boxes, **mark)
    except (PageError, WatermarkError, OSError):
        raise Http404(gettext("该页暂不能显示")) from None
    record(
        "staff_view",
        obj=component,
        detail={"item": item.ref_code, "purpose": "review", "page": page},
    )
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@review_required
def unmask_regions(request: HttpRequest, pk: int, component_id: int) -> HttpResponse:
    """Lift regions of one file: a decision of its own, with a reason (audited)."""
    item = get_object_or_404(own_items(request.user), pk=pk)
    component = get_object_or_404(item.components.filter(role="master"), pk=component_id)
    ids = parse_ids(request.POST.getlist("regions"))
    try:
        if not ids:
            raise ReviewError(gettext("请选择要取消的遮蔽区域"))
        remove_regions(component, ids, request.POST.get("reason", ""))
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("已取消 %(count)s 个遮蔽区域") % {"count": len(ids)})
    return redirect("review-item", pk=item.pk)
