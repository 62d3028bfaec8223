"""The auditor's pages (安全审计员): the audit log, one event with its value check, verification.

Decisions:

- **Only ``audit.view_auditevent``** (the auditor; a superuser in development): the business
  roles and the other two administrators are refused (三员分立).
- **Actions, not content**: rows name records by 档号 and field values are keyed digests
  (:mod:`lantai.audit.digests`); the page shows the event as stored and never looks a record
  up, so reading the log reads no record.
- **Checking a value and verifying the chain are themselves audited** (``audit_value_checked``,
  ``audit_verified``): trying many values, or verifying until a break disappears, is visible in
  the log it is done on.
- Filters are plain GET parameters, so a filtered view can be bookmarked and exported as CSV
  (at most :data:`EXPORT_MAX` rows, newest first, for the yearly audit report).
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantai.accounts.decorators import staff_view
from lantai.audit.chain import record
from lantai.audit.forms import CheckValueForm, audited_check
from lantai.audit.labels import ACTION_LABELS, action_label
from lantai.audit.models import AuditEvent
from lantai.audit.verify import verify

PER_PAGE = 100
EXPORT_MAX = 100_000
auditor_required = staff_view("audit.view_auditevent")
OUTCOMES = {"success": _("成功"), "failure": _("失败"), "denied": _("拒绝")}


class FilterForm(forms.Form):
    actor = forms.CharField(label=_("操作者"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("动作"), required=False)
    target = forms.CharField(label=_("对象（档号或标识）"), required=False, max_length=255)
    outcome = forms.ChoiceField(label=_("结果"), required=False)
    since = forms.DateField(label=_("起始日期"), required=False)
    until = forms.DateField(label=_("终止日期"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("全部")), *((c, action_label(c)) for c in ACTION_LABELS)]
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [("", _("全部")), *OUTCOMES.items()]

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["actor"]:
            events = events.filter(actor__icontains=data["actor"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["target"]:
            target = data["target"].strip()
            events = events.filter(Q(object_repr__icontains=target) | Q(object_id=target))
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        if data["since"]:
            events = events.filter(timestamp__gte=_start_of(data["since"]))
        if data["until"]:
            events = events.filter(timestamp__lt=_start_of(data["until"] + datetime.timedelta(1)))
        return events


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _row(event: AuditEvent) -> dict[str, object]:
    return {
        "event": event,
        "action": action_label(event.action),
        "outcome": OUTCOMES.get(event.outcome, event.outcome),
    }


@auditor_required
def event_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = FilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-seq")
    if request.GET:
        events = form.apply(events)
    if request.GET.get("format") == "csv":
        return _csv(events)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [_row(e) for e in page],
        "query": query.urlencode(),
    }
    return render(request, "staffaudit/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(events: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    def rows() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"  # Excel opens UTF-8 CSV as GBK without the BOM
        yield writer.writerow(
            ["序号", "时间", "操作者", "动作", "对象类型", "对象", "结果", "哈希"]
        )
        for e in events[:EXPORT_MAX].iterator(2000):
            yield writer.writerow(
                [
                    e.seq,
                    timezone.localtime(e.timestamp).isoformat(timespec="seconds"),
                    e.actor,
                    action_label(e.action),
                    e.object_type,
                    e.object_repr,
                    e.outcome,
                    e.hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=audit-log.csv"
    return response


@auditor_required
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent, seq=seq)
    form = CheckValueForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = audited_check(event, form.cleaned_data["field"], form.cleaned_data["value"])
    context = {
        **_row(event),
        "detail": json.dumps(event.detail, ensure_ascii=False, indent=2, sort_keys=True),
        "form": form,
        "outcome": outcome,
        "previous": AuditEvent.objects.filter(seq=event.seq - 1).exists(),
        "following": AuditEvent.objects.filter(seq=event.seq + 1).exists(),
    }
    return render(request, "staffaudit/event.html", context)


@auditor_required
def verify_log(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        result = verify()
        record(
            "audit_verified",
            object_type="audit.auditevent",
            outcome="success" if result.ok else "failure",
            detail={
                "checked": result.checked,
                "breaks": len(result.breaks),
                "first_bad_seq": result.first_bad_seq,
            },
        )
    return render(request, "staffaudit/verify.html", {"result": result})
