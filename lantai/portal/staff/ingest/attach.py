"""数字化挂接 in the staff pages: upload a zip of scans named by 档号, follow the task, read
the batch's report (lantai/ingest/attach/run.py does the work, as ``lantai attach`` does)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from lantai.accounts.decorators import staff_view
from lantai.ingest.tasks import attach_upload
from lantai.portal.staff.ingest.views import _finished, _fonds_for, _save_upload
from lantai.portal.upload_limit import limit_text


class AttachForm(forms.Form):
    fonds = forms.ChoiceField(label=_("全宗"))
    package = forms.FileField(label=_("扫描件（zip 压缩包或单个文件，以档号命名）"))
    append = forms.BooleanField(label=_("追加到已有电子文件（补扫的页面）"), required=False)
    check_only = forms.BooleanField(label=_("只检测，不挂接"), required=False)

    def __init__(self, *args, fonds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fonds"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.code, f"{f.code} {f.name}") for f in fonds]


@staff_view("archive.add_transferbatch")
def attach_scans(request: HttpRequest) -> HttpResponse:
    form = AttachForm(request.POST or None, request.FILES or None, fonds=_fonds_for(request.user))
    if request.method == "POST" and form.is_valid():
        path = _save_upload(form.cleaned_data["package"])
        result = attach_upload.enqueue(
            str(path),
            form.cleaned_data["fonds"],
            form.cleaned_data["append"],
            form.cleaned_data["check_only"],
            f"user:{request.user.get_username()}",
        )
        if result.is_finished:
            return _finished(request, result)
        return redirect("ingest-task", task_id=result.id)
    context = {
        "form": form,
        "upload_limit": limit_text(),
        "upload_max_bytes": settings.UPLOAD_MAX_BYTES,
    }
    return render(request, "ingest/attach.html", context)
