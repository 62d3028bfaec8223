"""The 复审 step of the two-step review chain on the workbench (:mod:`lantai.access.chain`).

Decisions:

- The record's page shows a pending 初审 opinion (conclusion, reason, re-review date, who and
  when) in place of the decision form; a reviewer other than its author approves it or sends it
  back, each with a reason. Its author sees the opinion with a note that it waits for someone
  else, and no buttons: the refusal in the chain is the rule, the page only does not invite it.
- The form carries the opinion's time (``seen``): an opinion sent back and re-made while the
  page was open is not approved unseen.
- After an approval the reviewer moves on to the next record waiting for 复审 (same filters),
  as after a decision.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lantai.access.chain import approve, send_back
from lantai.access.queue import next_in_queue
from lantai.access.review import ReviewError
from lantai.archive.domains import OPEN_STATUSES
from lantai.archive.models import Item
from lantai.portal.staff.review.scope import own_items, review_required


def _person(actor: str) -> str:
    return actor.split(":", 1)[1] if ":" in actor else actor


def pending(item: Item, user: Any) -> dict[str, Any] | None:
    """The 初审 opinion waiting on ``item``, as the workbench shows it, or None."""
    first = item.review_first or {}
    if not first:
        return None
    return {
        "decision": gettext(OPEN_STATUSES.get(first.get("decision", ""), "")),
        "reason": first.get("reason", ""),
        "review_again": first.get("review_again") or "",
        "opinion": first.get("opinion", ""),
        "by": _person(first.get("by", "")),
        "at": parse_datetime(first.get("at", "")),
        "seen": first.get("at", ""),
        "mine": first.get("by") == f"user:{user.get_username()}",
    }


@require_POST
@review_required
def review_second(request: HttpRequest, pk: int) -> HttpResponse:
    """复审: ``action`` ``approve`` puts the 初审 opinion in force, ``return`` sends it back."""
    item = get_object_or_404(own_items(request.user), pk=pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    seen = request.POST.get("seen") or None  # the form sends it; a bare POST checks nothing
    try:
        if action == "approve":
            item = approve(item, reason, seen=seen)
        elif action == "return":
            item = send_back(item, reason, seen=seen)
        else:
            raise ReviewError(gettext("请选择“同意初审意见”或“退回初审”"))
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect("review-item", pk=item.pk)
    if action == "return":
        messages.success(request, gettext("已退回初审意见，本件等待重新初审"))
        return redirect("review-item", pk=item.pk)
    messages.success(
        request,
        gettext("复审同意，审核结论已生效：%(decision)s")
        % {"decision": gettext(OPEN_STATUSES[item.open_status])},
    )
    following = next_in_queue(request.user, item, datetime.date.today(), stage="second")
    if following is None:
        messages.info(request, gettext("已没有等待复审的档案"))
        return redirect(reverse("review-queue") + "?stage=second")
    return redirect(reverse("review-item", args=[following.pk]) + "?stage=second")
