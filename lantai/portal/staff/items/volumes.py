"""Volumes (案卷) of a fonds: the 案卷目录, 组卷 from the item list, one volume's page with its
records in order, and its printed 卷内文件目录 and 备考表.

Decisions:

- A volume is found only among the volumes of a fonds assigned to the user (404 otherwise,
  as for records); every change goes through ``lantai.describing.volumes``, which checks the
  records against the one access policy again.
- 组卷 shows the plan first (the records, in order, and the class they share) and builds only
  on confirmation with a title.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lantai.accounts.decorators import staff_view
from lantai.archive.models import Fonds, Volume
from lantai.describing import fields as rules
from lantai.describing import forms as printed
from lantai.describing import volumes as arrangement
from lantai.portal.staff.items.views import MAX_ID_DIGITS, _assigned
from lantai.portal.staff.printing import form_file

view_required = staff_view("archive.view_volume")
change_required = staff_view("archive.change_volume")
add_required = staff_view("archive.add_volume")
PER_PAGE = 50


class NoteForm(forms.ModelForm):
    """备考表 and the volume's title: what the archivist writes (the figures are computed)."""

    class Meta:
        model = Volume
        fields = ["title", "note", "arranged_by", "arranged_on", "checked_by", "checked_on"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "arranged_on": forms.DateInput(attrs={"type": "date"}),
            "checked_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean() or {}
        for name in ("title", "note", "arranged_by", "checked_by"):
            if cleaned.get(name):
                try:
                    cleaned[name] = rules.plain(cleaned[name].strip(), str(self.fields[name].label))
                except rules.FieldError as error:
                    self.add_error(name, str(error))
        if not cleaned.get("title"):
            self.add_error("title", _("请填写案卷题名"))
        return cleaned


def _volume(request: HttpRequest, fonds: str, pk: int) -> tuple[Fonds, Volume]:
    chosen = _assigned(request, fonds)
    return chosen, get_object_or_404(Volume.objects.filter(fonds=chosen), pk=pk)


def _ids(values: list[str]) -> list[int] | None:
    if not all(v.isascii() and v.isdigit() and len(v) <= MAX_ID_DIGITS for v in values):
        return None
    return [int(v) for v in values]


@view_required
def volume_list(request: HttpRequest, fonds: str) -> HttpResponse:
    chosen = _assigned(request, fonds)
    volumes = Volume.objects.filter(fonds=chosen).annotate(item_count=Count("items"))
    page = Paginator(volumes.order_by("ref_code"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "items/volumes.html", {"fonds": chosen, "page": page})


@view_required
def volume_catalogue(request: HttpRequest, fonds: str, fmt: str = "xlsx") -> HttpResponseBase:
    chosen = _assigned(request, fonds)
    volumes = Volume.objects.filter(fonds=chosen).annotate(item_count=Count("items"))
    form = printed.volume_catalogue_form(chosen, volumes.order_by("ref_code").iterator(2000))
    return form_file(request, form, fmt, f"{chosen.code}-案卷目录")


@require_POST
@add_required
def build(request: HttpRequest, fonds: str) -> HttpResponseBase:
    """组卷 from the records ticked on the item list: the plan, then the volume."""
    chosen = _assigned(request, fonds)
    ids = _ids(request.POST.getlist("items"))
    if ids is None:
        messages.error(request, gettext("所选档案编号无效，请从列表中重新勾选"))
        return redirect("items-list", chosen.code)
    title = request.POST.get("title", "")
    try:
        items, klass = arrangement.plan(request.user, chosen, ids)
    except arrangement.VolumeError as refused:
        messages.error(request, str(refused))
        return redirect("items-list", chosen.code)
    error = ""
    if request.POST.get("confirm"):
        try:
            volume = arrangement.build(request.user, chosen, ids, title)
        except arrangement.VolumeError as refused:
            error = str(refused)
        else:
            messages.success(request, gettext("已组卷：%(code)s。") % {"code": volume.ref_code})
            return redirect("volumes-detail", chosen.code, volume.pk)
    return render(
        request,
        "items/volume_build.html",
        {"fonds": chosen, "items": items, "klass": klass, "title": title, "error": error},
    )


@view_required
def detail(request: HttpRequest, fonds: str, pk: int) -> HttpResponse:
    chosen, volume = _volume(request, fonds, pk)
    form = NoteForm(instance=volume)
    if request.method == "POST":
        if not request.user.has_perm("archive.change_volume"):
            return HttpResponse(status=403)
        form = NoteForm(request.POST, instance=volume)
        if form.is_valid():
            form.save()
            messages.success(request, gettext("已保存案卷信息。"))
            return redirect("volumes-detail", chosen.code, volume.pk)
    items = arrangement.contents(volume)
    return render(
        request,
        "items/volume.html",
        {
            "fonds": chosen,
            "volume": volume,
            "form": form,
            "rows": list(zip(items, printed.page_numbers(items), strict=True)),
        },
    )


@require_POST
@change_required
def change(request: HttpRequest, fonds: str, pk: int, action: str) -> HttpResponseBase:
    """Add records by 档号, take records out, move one up or down, or dissolve the volume."""
    chosen, volume = _volume(request, fonds, pk)
    ids = _ids(request.POST.getlist("items")) or []
    try:
        if action == "add":
            added = arrangement.add(
                request.user, volume, rules.terms(request.POST.get("codes", ""), "档号")
            )
            messages.success(request, gettext("已加入 %(count)s 件。") % {"count": len(added)})
        elif action == "remove":
            count = arrangement.remove(request.user, volume, ids)
            messages.success(request, gettext("已从本卷移出 %(count)s 件。") % {"count": count})
        elif action in ("up", "down") and len(ids) == 1:
            arrangement.move(request.user, volume, ids[0], -1 if action == "up" else 1)
        elif action == "dissolve":
            code = arrangement.dissolve(request.user, volume, request.POST.get("reason", ""))
            messages.success(request, gettext("已撤销案卷 %(code)s。") % {"code": code})
            return redirect("volumes-list", chosen.code)
        else:
            messages.error(request, gettext("未知的操作"))
    except (arrangement.VolumeError, rules.FieldError) as error:
        messages.error(request, str(error))
    return redirect("volumes-detail", chosen.code, volume.pk)


@view_required
def contents_sheet(
    request: HttpRequest, fonds: str, pk: int, fmt: str = "xlsx"
) -> HttpResponseBase:
    _chosen, volume = _volume(request, fonds, pk)
    form = printed.contents_form(volume, arrangement.contents(volume))
    return form_file(request, form, fmt, f"{volume.ref_code}-卷内文件目录")


@view_required
def note_sheet(request: HttpRequest, fonds: str, pk: int, fmt: str = "xlsx") -> HttpResponseBase:
    _chosen, volume = _volume(request, fonds, pk)
    form = printed.note_form(volume, arrangement.contents(volume))
    return form_file(request, form, fmt, f"{volume.ref_code}-备考表")
