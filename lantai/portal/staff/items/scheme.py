"""The fonds' pages beside its records: the 分类方案 (类别 tree) and the 全宗 description.

The rules are in :mod:`lantai.describing.scheme`; these views resolve the fonds through the
one policy (``_assigned``: another fonds is a 404) and pass it down. The tree shows how many
records each 类别 holds, itself and below, from one grouped query.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lantai.accounts.decorators import staff_view
from lantai.archive.models import Fonds, Item, Series
from lantai.archive.models.fonds import REVIEW_STEPS
from lantai.describing import scheme
from lantai.portal.staff.items.views import _assigned

view_required = staff_view("archive.view_series")
add_required = staff_view("archive.add_series")
change_required = staff_view("archive.change_series")
fonds_required = staff_view("archive.view_fonds")


def _parent_id(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise scheme.SchemeError(gettext("上级类别无效，请从列表中选择"))
    return int(text)


@view_required
def series_tree(request: HttpRequest, fonds: str) -> HttpResponse:
    chosen = _assigned(request, fonds)
    nodes = list(Series.objects.filter(fonds=chosen).order_by("path"))
    direct = dict(
        Item.objects.of_fonds_for(request.user, chosen)
        .filter(series__isnull=False)
        .order_by()
        .values_list("series")
        .annotate(n=Count("pk"))
    )
    below: Counter[int] = Counter()
    by_path = {n.path: n.pk for n in nodes}
    for series in nodes:
        count = direct.get(series.pk, 0)
        parts = series.path.split(".")[:-1]
        for depth in range(1, len(parts) + 1):
            ancestor = by_path.get(".".join(parts[:depth]) + ".")
            if ancestor is not None:
                below[ancestor] += count
    rows = [
        {"series": n, "own": direct.get(n.pk, 0), "total": below[n.pk], "indent": n.depth}
        for n in nodes
    ]
    unfiled = Item.objects.of_fonds_for(request.user, chosen).filter(series__isnull=True).count()
    return render(
        request,
        "items/series.html",
        {"fonds": chosen, "rows": rows, "nodes": nodes, "unfiled": unfiled},
    )


@require_POST
@add_required
def series_add(request: HttpRequest, fonds: str) -> HttpResponse:
    chosen = _assigned(request, fonds)
    try:
        added = scheme.add(
            chosen,
            _parent_id(request.POST.get("parent", "")),
            request.POST.get("code", ""),
            request.POST.get("name", ""),
        )
    except scheme.SchemeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, gettext("已添加类别 %(label)s") % {"label": f"{added.code} {added.name}"}
        )
    return redirect("series-tree", chosen.code)


@require_POST
@change_required
def series_change(request: HttpRequest, fonds: str, pk: int, action: str) -> HttpResponse:
    chosen = _assigned(request, fonds)
    try:
        if action == "rename":
            changed = scheme.rename(
                chosen, pk, request.POST.get("code", ""), request.POST.get("name", "")
            )
            messages.success(
                request,
                gettext("已修改类别 %(label)s") % {"label": f"{changed.code} {changed.name}"},
            )
        elif action == "remove":
            # Only an empty node goes (scheme.remove), so removing is a change to the scheme,
            # not a deletion of anything filed: the archivist's change permission covers it.
            label = scheme.remove(chosen, pk)
            messages.success(request, gettext("已删除类别 %(label)s") % {"label": label})
        else:
            messages.error(request, gettext("未知的操作"))
    except scheme.SchemeError as error:
        messages.error(request, str(error))
    return redirect("series-tree", chosen.code)


class FondsForm(forms.Form):
    name = forms.CharField(label=_("全宗名称"), max_length=200)
    archive_name = forms.CharField(label=_("档案馆名称"), max_length=200, required=False)
    description = forms.CharField(
        label=_("全宗介绍"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    is_public = forms.BooleanField(
        label=_("公开目录"),
        required=False,
        help_text=_("关闭后，本全宗的任何档案都不对公众展示"),
    )
    review_steps = forms.TypedChoiceField(
        label=_("开放审核流程"),
        choices=REVIEW_STEPS,
        coerce=int,
        help_text=Fonds._meta.get_field("review_steps").help_text,
    )


@fonds_required
def fonds_settings(request: HttpRequest, fonds: str) -> HttpResponse:
    chosen = _assigned(request, fonds)
    may_change = request.user.has_perm("archive.change_fonds")
    initial = {
        "name": chosen.name,
        "archive_name": chosen.archive_name,
        "description": chosen.description,
        "is_public": chosen.is_public,
        "review_steps": chosen.review_steps,
    }
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = FondsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme.describe(chosen, **form.cleaned_data)
        except scheme.SchemeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("已保存全宗信息"))
            return redirect("fonds-settings", chosen.code)
    if not may_change:
        for field in form.fields.values():
            field.disabled = True
    context = {"fonds": chosen, "form": form, "may_change": may_change}
    return render(request, "items/fonds_settings.html", context)
