"""Reviewer pages: the queue with explained flags, and decisions one by one or in bulk."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lantai.access.decorators import staff_view
from lantai.access.queue import flags_for, queue_for
from lantai.access.review import DECISIONS, ReviewError, decide, redact_terms
from lantai.archive.domains import OPEN_STATUSES
from lantai.archive.models import Item

PER_PAGE = 50
review_required = staff_view("archive.review_item")


@review_required
def review_queue(request: HttpRequest) -> HttpResponse:
    today = datetime.date.today()
    filters = {key: request.GET.get(key, "").strip() for key in ("fonds", "year", "series")}
    items = queue_for(request.user, today, **filters)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"item": item, "flags": flags_for(item)} for item in page]
    return render(
        request,
        "access/queue.html",
        {
            "page": page,
            "rows": rows,
            "decisions": _decisions(),
            **filters,
        },
    )


@review_required
def review_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item.objects.visible_to(request.user).select_related("fonds"), pk=pk)
    return render(
        request,
        "access/item.html",
        {
            "item": item,
            "flags": flags_for(item),
            "decisions": _decisions(),
        },
    )


@require_POST
@review_required
def review_decide(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("items") if i.isdigit()]
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    again = _date(request.POST.get("review_again", ""))
    visible = Item.objects.visible_to(request.user).filter(pk__in=ids, fonds__staff=request.user)
    if not ids or visible.count() != len(set(ids)):
        messages.error(request, gettext("请选择你所分管全宗中的档案"))
        return redirect(request.POST.get("next") or "review-queue")
    terms = [t for t in request.POST.get("mask", "").replace("，", ",").split(",") if t.strip()]
    try:
        with transaction.atomic():
            for item in visible:
                if terms:
                    item = redact_terms(item, terms, reason)
                decide(item, decision, reason, again, request.POST.get("opinion", ""))
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("已记录 %(count)s 件的审核结论：%(decision)s")
            % {"count": len(ids), "decision": gettext(OPEN_STATUSES[decision])},
        )
    return redirect(request.POST.get("next") or "review-queue")


def _decisions() -> dict[str, str]:
    """The decision codes with their labels in the active language (the labels are msgids)."""
    return {d: gettext(OPEN_STATUSES[d]) for d in DECISIONS}


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None
