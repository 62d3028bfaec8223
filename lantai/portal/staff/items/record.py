"""One record's page for the archivist (著录), and registering a paper record (存量档案著录).

Decisions:

- A record of a fonds not assigned to the user is a 404, as on the list; the record comes from
  ``Item.objects.of_fonds_for``, the one access policy.
- The page shows the record's files and, beside each, any other record of the same fonds that
  holds a file with the same content (SHA-256): a twin accepted twice is seen where it is
  described, with a link to it.
- Saving shows the form again with every problem beside its field and writes nothing; a
  record changed by someone else since the form was opened is refused, not overwritten.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from lantai.accounts.decorators import staff_view
from lantai.archive.models import Component, Fonds, Item
from lantai.archive.visibility import held_condition
from lantai.describing import records
from lantai.portal.staff.items.editing import PART_NAMES, ItemForm, RegisterForm
from lantai.portal.staff.items.views import _assigned
from lantai.preservation.packages import history

change_required = staff_view("archive.change_item")
add_required = staff_view("archive.add_item")


@change_required
def edit(request: HttpRequest, fonds: str, pk: int) -> HttpResponse:
    chosen = _assigned(request, fonds)
    item = get_object_or_404(
        Item.objects.of_fonds_for(request.user, chosen).select_related("series", "volume"), pk=pk
    )
    form = ItemForm(request.POST or None, instance=item, fonds=chosen)
    if request.method != "POST":
        form.initial["seen"] = records.fingerprint(item)
    elif form.is_valid():
        try:
            changed = records.save_description(
                request.user, item.pk, form.described(), form.cleaned_data["seen"]
            )
        except (records.StaleEdit, records.NotAssigned) as error:
            form.add_error(None, str(error))
        else:
            if changed:
                messages.success(request, gettext("已保存 %(code)s。") % {"code": item.ref_code})
            else:
                messages.info(request, gettext("没有修改任何内容。"))
            return redirect("items-edit", chosen.code, item.pk)
    return render(
        request,
        "items/edit.html",
        {
            "fonds": chosen,
            "item": item,
            "form": form,
            "files": _files(chosen, item),
            "versions": history(item, Path(settings.STORAGE_DIR)),
        },
    )


def _files(fonds: Fonds, item: Item) -> list[dict[str, object]]:
    """The record's files, each with the other records of the fonds holding the same content."""
    files = list(item.components.order_by("role", "id"))
    twins: dict[str, list[Item]] = {}
    held = (
        Component.objects.filter(
            item__fonds=fonds, sha256__in={f.sha256 for f in files if f.sha256}
        )
        .filter(held_condition("item__"))  # a voided batch's copy is not a twin held
        .exclude(item=item)
        .select_related("item")
        .order_by("item__ref_code")
    )
    for other in held:
        found = twins.setdefault(other.sha256, [])
        if other.item not in found:
            found.append(other.item)
    return [
        {"file": f, "role": Component.ROLES.get(f.role, f.role), "twins": twins.get(f.sha256, [])}
        for f in files
    ]


@add_required
def register(request: HttpRequest, fonds: str) -> HttpResponse:
    chosen = _assigned(request, fonds)
    # "登记并继续": the next form starts with the same 档号 parts and series.
    kept = {k: request.GET[k] for k in (*PART_NAMES, "series", "carrier") if k in request.GET}
    form = RegisterForm(request.POST or None, fonds=chosen, initial=kept)
    if request.method == "POST" and form.is_valid():
        try:
            item = records.register(request.user, chosen, form.parts(), form.described())
        except records.NotAssigned as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                gettext("已登记纸质档案，档号 %(code)s。可继续挂接数字化文件。")
                % {"code": item.ref_code},
            )
            if request.POST.get("again"):
                again = {k: request.POST.get(k, "") for k in (*PART_NAMES, "series", "carrier")}
                return redirect(
                    reverse("items-register", args=[chosen.code]) + "?" + urlencode(again)
                )
            return redirect("items-edit", chosen.code, item.pk)
    return render(request, "items/register.html", {"fonds": chosen, "form": form})
