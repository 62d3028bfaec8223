"""Reviewer pages: the queue with explained flags, and decisions one by one or in bulk.

Decisions recorded here:

- Item ids in a decision form are ASCII digits of at most 18 (a database integer); anything
  else (``²``, ``٣`` — which ``str.isdigit`` accepts —, a 20-digit number) refuses the whole
  submission with a message, rather than deciding on a subset or failing with a server error.
- ``next`` is followed only when it stays on this site (no open redirect).
- The decision time is the server's (see lantai.access.review); a submitted date or time of
  the decision is ignored, and a re-review date before today is refused.
- **The workbench shows the record itself**: each original beside the text — an image or PDF
  as a copy watermarked with the reviewer's name, a video in the browser's player (its first
  frame is the poster), anything else as its text — from :func:`review_file`, which only the
  reviewers of the record's fonds reach and which records a ``staff_view`` audit event per file.
- After a decision on the record's page the reviewer moves to the next record of the queue
  (same filters), so a day's review is a run of pages, not a return to the list each time.
- Rectangles masked on images and PDF pages (区域遮蔽) are drawn on the workbench and sent with
  the decision (:mod:`lantai.portal.staff.review.regions`).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lantai.access.chain import first_review
from lantai.access.pdfpages import PageError, redact_pdf
from lantai.access.queue import grouped_flags, next_in_queue, queue_counts, queue_for
from lantai.access.regions import boxes_by_page
from lantai.access.review import (
    DECISIONS,
    MASKED_FIELDS,
    ReviewError,
    add_masks,
    decide,
    remove_masks,
    two_step,
)
from lantai.access.watermark import WatermarkError, watermark_image, watermark_pdf
from lantai.archive.domains import OPEN_STATUSES
from lantai.archive.models import Fonds, Item
from lantai.audit.chain import record
from lantai.audit.models import AuditEvent
from lantai.describing import registers as printed
from lantai.portal.delivery import Mark
from lantai.portal.staff.printing import form_file
from lantai.portal.staff.review import chain as chain_view
from lantai.portal.staff.review import regions
from lantai.portal.staff.review.scope import own_items, parse_ids, review_required

PER_PAGE = 50
FILTERS = ("fonds", "year", "series", "stage")
IMAGE_TYPES = {"image/jpeg", "image/tiff", "image/png", "image/gif", "image/webp"}


def _filters(source) -> dict[str, str]:
    return {key: source.get(key, "").strip()[:20] for key in FILTERS}


@review_required
def review_queue(request: HttpRequest) -> HttpResponse:
    today = datetime.date.today()
    filters = _filters(request.GET)
    items = queue_for(request.user, today, **filters)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"item": item, "flags": grouped_flags(item)} for item in page]
    counts = queue_counts(request.user, today)
    return render(
        request,
        "review/queue.html",
        {
            "page": page,
            "rows": rows,
            "decisions": _decisions(),
            "counts": counts,
            "total": sum(c["count"] for c in counts),
            "carry": urlencode({k: v for k, v in filters.items() if v}),
            "my_fonds": Fonds.objects.assigned_to(request.user).order_by("code"),
            "year_start": today.replace(month=1, day=1).isoformat(),
            "today": today.isoformat(),
            **filters,
        },
    )


@review_required
def review_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(own_items(request.user), pk=pk)
    from lantai.access.publication import public_rendition

    filters = _filters(request.GET)
    files = _originals(item, regions.editors(item, request.GET))
    return render(
        request,
        "review/item.html",
        {
            "item": item,
            "flags": grouped_flags(item),
            "files": files,
            "filters": filters,
            "carry": urlencode({k: v for k, v in filters.items() if v}),
            "decisions": _decisions(),
            "masks": [
                {**m, "field_labels": [MASKED_FIELDS.get(f, f) for f in m.get("fields", [])]}
                for m in item.masks or []
            ],
            "public": public_rendition(item),
            "two_step": two_step(item),
            "pending": chain_view.pending(item, request.user),
        },
    )


def _originals(item: Item, editors: dict[int, dict]) -> list[dict[str, object]]:
    """The record's stored originals, each with how the workbench shows it (and, for images
    and PDFs, the region editor of :func:`regions.editors`)."""
    shown = []
    for component in item.components.filter(role="master").order_by("id"):
        mime = component.mime_type or ""
        if mime in IMAGE_TYPES:
            kind = "image"
        elif mime == "application/pdf":
            kind = "pdf"
        elif mime.startswith("video/"):
            kind = "video"
        elif mime.startswith("audio/"):
            kind = "audio"
        else:
            kind = "other"
        shown.append({"file": component, "kind": kind, "editor": editors.get(component.pk)})
    return shown


@review_required
def review_file(request: HttpRequest, pk: int, component_id: int) -> HttpResponseBase:
    """One original of a record under review, inline: images and PDFs watermarked with the
    reviewer's name, audio and video as stored (a player needs the file itself). ``?public=1``
    shows an image or PDF with its regions burnt in, as the public copy has them."""
    item = get_object_or_404(own_items(request.user), pk=pk)
    component = get_object_or_404(item.components.filter(role="master"), pk=component_id)
    path = Path(settings.STORAGE_DIR) / component.stored_path
    boxes = boxes_by_page(component) if request.GET.get("public") == "1" else {}
    mark = Mark(
        viewer=request.user.get_username(),
        when=timezone.localtime(),
        archive=settings.ARCHIVE_NAME,
    )
    mime = component.mime_type or ""
    try:
        if mime in IMAGE_TYPES:
            response: HttpResponseBase = HttpResponse(
                watermark_image(
                    path, max_side=1600, format="JPEG", regions=boxes.get(1, ()), **mark
                ),
                content_type="image/jpeg",
            )
        elif mime == "application/pdf":
            source: Path | bytes = path
            if boxes:
                source = redact_pdf(path, boxes, rasterise_all=item.is_redacted)
            response = HttpResponse(watermark_pdf(source, **mark), content_type="application/pdf")
        elif mime.startswith(("video/", "audio/")):
            response = FileResponse(path.open("rb"), content_type=mime)
        else:
            raise Http404(gettext("该文件不能在审核台显示，请查看提取文本"))
    except (WatermarkError, PageError, OSError):
        raise Http404(gettext("该文件暂不能显示")) from None
    record(
        "staff_view",
        obj=component,
        detail={"item": item.ref_code, "purpose": "review"},
    )
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(component.display_name)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@review_required
def review_decide(request: HttpRequest) -> HttpResponse:
    back = _next(request)
    ids = parse_ids(request.POST.getlist("items"))
    if ids is None:
        messages.error(
            request,
            gettext(
                "所选档案编号无效：编号应为不超过 18 位的阿拉伯数字（0–9），请从审核队列重新选择"
            ),
        )
        return redirect(back)
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    again = _date(request.POST.get("review_again", ""))
    visible = Item.objects.visible_to(request.user).filter(
        pk__in=ids, fonds__in=Fonds.objects.assigned_to(request.user)
    )
    if not ids or visible.count() != len(set(ids)):
        messages.error(request, gettext("请选择你所分管全宗中的档案"))
        return redirect(back)
    terms = [t for t in request.POST.get("mask", "").replace("，", ",").split(",") if t.strip()]
    opinion = request.POST.get("opinion", "")
    first = 0
    try:
        with transaction.atomic():
            for item in visible:
                if len(ids) == 1:  # regions are drawn on the record's own page only
                    regions.apply(regions.from_decision(item, request.POST), reason)
                if terms:
                    item = add_masks(item, terms, reason)
                if two_step(item):  # the decision waits for a second reviewer (复审)
                    first_review(item, decision, reason, again, opinion)
                    first += 1
                else:
                    decide(item, decision, reason, again, opinion)
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        label = gettext(OPEN_STATUSES[decision])
        if len(ids) - first:
            messages.success(
                request,
                gettext("已记录 %(count)s 件的审核结论：%(decision)s")
                % {"count": len(ids) - first, "decision": label},
            )
        if first:
            messages.success(
                request,
                gettext("已提交 %(count)s 件的初审意见（%(decision)s），等待另一位审核员复审")
                % {"count": first, "decision": label},
            )
        if request.POST.get("advance") and len(ids) == 1:
            return _advance(request, visible.get())
    return redirect(back)


def _advance(request: HttpRequest, decided: Item) -> HttpResponse:
    """On to the queue's next record after ``decided`` (same filters), or back to the queue
    when it is empty."""
    filters = _filters(request.POST)
    following = next_in_queue(request.user, decided, datetime.date.today(), **filters)
    carry = urlencode({k: v for k, v in filters.items() if v})
    if following is None:
        messages.info(request, gettext("队列中已没有待审的档案"))
        return redirect(reverse("review-queue") + (f"?{carry}" if carry else ""))
    target = reverse("review-item", args=[following.pk])
    return redirect(target + (f"?{carry}" if carry else ""))


@require_POST
@review_required
def review_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift masks of one item: a decision of its own, with a reason (audited)."""
    item = get_object_or_404(own_items(request.user), pk=pk)
    ids = parse_ids(request.POST.getlist("masks"))
    try:
        if not ids:
            raise ReviewError(gettext("请选择要取消的遮蔽"))
        remove_masks(item, ids, request.POST.get("reason", ""))
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("已取消 %(count)s 项遮蔽") % {"count": len(ids)})
    return redirect("review-item", pk=item.pk)


@review_required
def review_register(request: HttpRequest, fmt: str = "xlsx") -> HttpResponseBase:
    """开放审核登记表 of one fonds' decisions in a period (default: this year so far), each with
    the reviewer who made it (from its audit event)."""
    fonds = get_object_or_404(
        Fonds.objects.assigned_to(request.user), code=request.GET.get("fonds", "").strip()[:32]
    )
    today = timezone.localdate()
    since = _date(request.GET.get("since", "")) or today.replace(month=1, day=1)
    until = _date(request.GET.get("until", "")) or today
    start, end = _start_of(since), _start_of(until + datetime.timedelta(days=1))
    items = (
        Item.objects.of_fonds_for(request.user, fonds)
        .exclude(open_status="unreviewed")
        .filter(open_decided_at__gte=start, open_decided_at__lt=end)
        .defer("text", "public_text")
        .order_by("open_decided_at", "ref_code")
    )
    decisions = AuditEvent.objects.filter(
        action="review_decision", object_type="archive.item", timestamp__gte=start
    ).order_by("seq")
    reviewers = {
        int(pk): _reviewers(actor, detail)
        for pk, actor, detail in decisions.values_list("object_id", "actor", "detail")
    }
    period = f"审核期间：{since.isoformat()} 至 {until.isoformat()}"
    form = printed.review_register(fonds, items.iterator(2000), reviewers, period)
    return form_file(request, form, fmt, f"{fonds.code}-开放审核登记表-{since}-{until}")


def _reviewers(actor: str, detail: dict) -> str:
    """Who decided: the reviewer, or in the two-step chain both (初审 and 复审)."""
    steps = (detail or {}).get("steps")
    if not steps:
        return actor
    first = printed.person(steps.get("first", {}).get("by") or "")
    second = printed.person(steps.get("second", {}).get("by") or actor)
    return f"{first}（初审）、{second}（复审）"


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _next(request: HttpRequest) -> str:
    """The page to return to: ``next`` when it is on this site, else the queue."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("review-queue")


def _decisions() -> dict[str, str]:
    """The decision codes with their labels in the active language (the labels are msgids)."""
    return {d: gettext(OPEN_STATUSES[d]) for d in DECISIONS}


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None
