"""Reviewer pages: the queue with explained flags, and decisions one by one or in bulk.

Decisions recorded here:

- Item ids in a decision form are ASCII digits of at most 18 (a database integer); anything
  else (``²``, ``٣`` — which ``str.isdigit`` accepts —, a 20-digit number) refuses the whole
  submission with a message, rather than deciding on a subset or failing with a server error.
- ``next`` is followed only when it stays on this site (no open redirect).
- The decision time is the server's (see lantai.access.review); a submitted date or time of
  the decision is ignored, and a re-review date before today is refused.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lantai.access.queue import flags_for, queue_for
from lantai.access.review import (
    DECISIONS,
    MASKED_FIELDS,
    ReviewError,
    add_masks,
    decide,
    remove_masks,
)
from lantai.accounts.decorators import staff_view
from lantai.archive.domains import OPEN_STATUSES
from lantai.archive.models import Fonds, Item

PER_PAGE = 50
MAX_ID_DIGITS = 18  # below 2**63: every such number is a valid database integer
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
        "review/queue.html",
        {
            "page": page,
            "rows": rows,
            "decisions": _decisions(),
            **filters,
        },
    )


@review_required
def review_item(request: HttpRequest, pk: int) -> HttpResponse:
    # Only items of the reviewer's own fonds: this page shows the unmasked record and its mask
    # words, which a reviewer of another fonds must not read (they see the public copy only).
    items = Item.objects.visible_to(request.user).select_related("fonds")
    items = items.filter(fonds__in=Fonds.objects.assigned_to(request.user))
    item = get_object_or_404(items, pk=pk)
    from lantai.access.publication import public_rendition

    return render(
        request,
        "review/item.html",
        {
            "item": item,
            "flags": flags_for(item),
            "decisions": _decisions(),
            "masks": [
                {**m, "field_labels": [MASKED_FIELDS.get(f, f) for f in m.get("fields", [])]}
                for m in item.masks or []
            ],
            "public": public_rendition(item),
        },
    )


@require_POST
@review_required
def review_decide(request: HttpRequest) -> HttpResponse:
    back = _next(request)
    ids = _ids(request.POST.getlist("items"))
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
    try:
        with transaction.atomic():
            for item in visible:
                if terms:
                    item = add_masks(item, terms, reason)
                decide(item, decision, reason, again, request.POST.get("opinion", ""))
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("已记录 %(count)s 件的审核结论：%(decision)s")
            % {"count": len(ids), "decision": gettext(OPEN_STATUSES[decision])},
        )
    return redirect(back)


@require_POST
@review_required
def review_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift masks of one item: a decision of its own, with a reason (audited)."""
    item = get_object_or_404(
        Item.objects.visible_to(request.user).filter(
            fonds__in=Fonds.objects.assigned_to(request.user)
        ),
        pk=pk,
    )
    ids = _ids(request.POST.getlist("masks"))
    try:
        if not ids:
            raise ReviewError(gettext("请选择要取消的遮蔽"))
        remove_masks(item, ids, request.POST.get("reason", ""))
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("已取消 %(count)s 项遮蔽") % {"count": len(ids)})
    return redirect("review-item", pk=item.pk)


def _ids(values: list[str]) -> list[int] | None:
    """The ids as integers, or None when any is not 1–18 ASCII digits."""
    cleaned = [v.strip() for v in values]
    if any(not (v.isascii() and v.isdigit() and len(v) <= MAX_ID_DIGITS) for v in cleaned):
        return None
    return [int(v) for v in cleaned]


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
