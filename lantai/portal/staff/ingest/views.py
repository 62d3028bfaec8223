"""Staff pages: upload a transfer, follow its task, read the 四性检测 report as a table."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lantai.accounts.decorators import staff_view
from lantai.archive.models import Fonds, Item, TransferBatch
from lantai.describing import registers as printed
from lantai.ingest import void
from lantai.ingest.tasks import attach_upload, ingest_upload
from lantai.ingest.worker import lease_note
from lantai.portal.staff.printing import form_file
from lantai.portal.upload_limit import limit_text

VERDICTS = {True: _("通过"), False: _("未通过"), None: _("未执行")}
# The row's CSS class stays on the Chinese source word (site.css styles .verdict-未通过).
VERDICT_CLASSES = {True: "通过", False: "未通过", None: "未执行"}


def _fonds_for(user) -> list[Fonds]:
    return list(Fonds.objects.assigned_to(user).order_by("code"))


class UploadForm(forms.Form):
    fonds = forms.ChoiceField(label=_("全宗"))
    agency = forms.CharField(label=_("移交单位"), max_length=300, required=False)
    package = forms.FileField(label=_("提交包（zip、WARC 或单个文件）"))
    check_only = forms.BooleanField(label=_("只检测，不入库"), required=False)

    def __init__(self, *args, fonds: list[Fonds], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fonds"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.code, f"{f.code} {f.name}") for f in fonds]


def _save_upload(upload) -> Path:
    folder = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / Path(upload.name).name  # the browser's name, never a path
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return target


@staff_view("archive.add_transferbatch")
def upload(request: HttpRequest) -> HttpResponse:
    fonds = _fonds_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, fonds=fonds)
    if request.method == "POST" and form.is_valid():
        path = _save_upload(form.cleaned_data["package"])
        result = ingest_upload.enqueue(
            str(path),
            form.cleaned_data["fonds"],
            form.cleaned_data["agency"],
            form.cleaned_data["check_only"],
            f"user:{request.user.get_username()}",
        )
        if result.is_finished:  # the inline backend ran it already
            return _finished(request, result)
        return redirect("ingest-task", task_id=result.id)
    context = {
        "form": form,
        "upload_limit": limit_text(),
        "upload_max_bytes": settings.UPLOAD_MAX_BYTES,
    }
    return render(request, "ingest/upload.html", context)


def _finished(request: HttpRequest, result) -> HttpResponse:
    report = result.return_value if result.status == "SUCCESSFUL" else None
    if report and report.get("batch"):
        return redirect("ingest-batch", code=report["batch"])
    return render(
        request,
        "ingest/task.html",
        {"result": result, "report": report, "note": lease_note(result.id)},
    )


def _task_in_scope(user, result) -> bool:
    """A task is visible only to staff of the fonds it ingests into (its second argument)."""
    args = list(getattr(result, "args", None) or [])
    fonds_code = args[1] if len(args) > 1 else result.kwargs.get("fonds_code")
    return Fonds.objects.assigned_to(user).filter(code=fonds_code).exists()


def _result(task_id: str):
    """The task's result, whether a transfer (接收进馆) or scans (数字化挂接)."""
    for kind in (ingest_upload, attach_upload):
        try:
            return kind.get_result(task_id)
        except Exception:
            continue
    raise Http404(_("没有这个接收任务"))


@staff_view("archive.view_transferbatch")
def task_status(request: HttpRequest, task_id: str) -> HttpResponse:
    result = _result(task_id)
    if not _task_in_scope(request.user, result):
        raise Http404(_("没有这个接收任务"))  # the same answer as for a task that does not exist
    if result.is_finished:
        return _finished(request, result)
    context = {"result": result, "report": None, "note": lease_note(result.id)}
    return render(request, "ingest/task.html", context)


@staff_view("archive.view_transferbatch")
def batch_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = TransferBatch.objects.filter(fonds__in=Fonds.objects.assigned_to(request.user))
    batch = get_object_or_404(scope, code=code)
    checks = [
        {
            **check,
            "verdict": VERDICTS[check["passed"]],
            "verdict_class": VERDICT_CLASSES[check["passed"]],
        }
        for check in batch.report
    ]
    items = batch.items.order_by("ref_code")[:500]
    if batch.source_kind == "attach":  # 数字化挂接: the records its files were attached to
        items = Item.objects.filter(components__batch=batch).distinct().order_by("ref_code")[:500]
    context = {"batch": batch, "checks": checks, "items": items, "void_plan": None}
    may_void = request.user.has_perm("archive.change_transferbatch")
    if batch.state == "accepted" and batch.source_kind != "attach" and may_void:
        context["void_plan"] = void.plan(request.user, batch.code)
    return render(request, "ingest/batch.html", context)


def _batch(request: HttpRequest, code: str) -> TransferBatch:
    scope = TransferBatch.objects.filter(fonds__in=Fonds.objects.assigned_to(request.user))
    return get_object_or_404(scope.select_related("fonds"), code=code)


@staff_view("archive.view_transferbatch")
def batch_register(request: HttpRequest, code: str, fmt: str = "xlsx") -> HttpResponseBase:
    """移交与接收登记表 of the batch, filled from it, with the signature lines."""
    batch = _batch(request, code)
    form = printed.transfer_register(batch, settings.ARCHIVE_NAME)
    return form_file(request, form, fmt, f"{batch.code}-移交与接收登记表")


@staff_view("archive.view_transferbatch")
def batch_report(request: HttpRequest, code: str, fmt: str = "xlsx") -> HttpResponseBase:
    """四性检测报告 of the batch, item by item."""
    batch = _batch(request, code)
    form = printed.check_report(batch, settings.ARCHIVE_NAME)
    return form_file(request, form, fmt, f"{batch.code}-四性检测报告")


class VoidForm(forms.Form):
    decision = forms.CharField(label=_("作废依据（决定文号或会议记录）"), max_length=200)
    reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 3}))


@require_POST
@staff_view("archive.change_transferbatch")
def batch_void(request: HttpRequest, code: str) -> HttpResponse:
    """作废 an accepted batch (``lantai.ingest.void``); the batch page shows the plan first."""
    scope = TransferBatch.objects.filter(fonds__in=Fonds.objects.assigned_to(request.user))
    batch = get_object_or_404(scope, code=code)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请写明作废依据和作废原因"))
        return redirect("ingest-batch", code=batch.code)
    try:
        void.void(request.user, batch.code, **form.cleaned_data)
    except void.VoidError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("批次 %(code)s 已作废：其档案不再出现在任何列表和检索中") % {"code": code},
        )
    return redirect("ingest-batch", code=batch.code)
