"""The item list's filters and sort orders, validated as a form (issue 15).

Decisions:

- Every filter is optional and validated; a value that does not parse (a year of letters, a
  门类 that does not exist, an unknown sort) is reported beside its field in Chinese and that
  filter is not applied, so the page still lists the fonds instead of failing.
- A 类别 (series) filter takes the series code and lists that node and everything below it in
  the tree (materialised path), as archivists think of a classification.
- Sort orders come from a fixed list (no ``order_by`` on a client's string); ties fall back
  to the 档号, so a page boundary never moves between requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantai.archive import domains
from lantai.archive.models import Fonds, Series
from lantai.archive.models.items import ItemQuerySet

SORTS = {
    "ref_code": ("ref_code",),
    "-ref_code": ("-ref_code",),
    "year": ("year", "ref_code"),
    "-year": ("-year", "ref_code"),
    "date": ("date", "ref_code"),
    "-date": ("-date", "ref_code"),
    "title": ("title", "ref_code"),
}
SORT_LABELS = {
    "ref_code": _("档号"),
    "-ref_code": _("档号（倒序）"),
    "year": _("年度"),
    "-year": _("年度（倒序）"),
    "date": _("日期"),
    "-date": _("日期（倒序）"),
    "title": _("题名"),
}


def _any(domain: dict[str, str]) -> list[tuple[str, str]]:
    return [("", "—"), *((code, str(_(label))) for code, label in domain.items())]


class ItemFilters(forms.Form):
    series = forms.CharField(label=_("类别号"), max_length=64, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=1000, max_value=2999, required=False)
    category = forms.ChoiceField(label=_("门类"), required=False)
    retention = forms.ChoiceField(label=_("保管期限"), required=False)
    open_status = forms.ChoiceField(label=_("开放状态"), required=False)
    batch = forms.CharField(label=_("接收批次"), max_length=64, required=False)
    has_text = forms.ChoiceField(
        label=_("全文"),
        required=False,
        choices=[("", "—"), ("yes", _("有全文")), ("no", _("无全文"))],
    )
    title = forms.CharField(label=_("题名含"), max_length=200, required=False)
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=[(k, v) for k, v in SORT_LABELS.items()]
    )

    def __init__(self, data: Mapping[str, Any] | None, *, fonds: Fonds) -> None:
        super().__init__(data)
        self.fonds = fonds
        self._choices("category", domains.CATEGORIES)
        self._choices("retention", domains.RETENTION)
        self._choices("open_status", domains.OPEN_STATUSES)

    def _choices(self, name: str, domain: dict[str, str]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _any(domain)

    def clean_series(self) -> Series | None:
        code = self.cleaned_data.get("series", "").strip()
        if not code:
            return None
        node = Series.objects.filter(fonds=self.fonds, code=code).first()
        if node is None:
            raise forms.ValidationError(
                _("本全宗没有类别号「%(code)s」，请检查后重新输入"), params={"code": code}
            )
        return node

    def apply(self, items: ItemQuerySet) -> ItemQuerySet:
        """``items`` narrowed by every filter that parsed, in the chosen order."""
        data = self.cleaned_data if self.is_bound else {}
        ok = {name: value for name, value in data.items() if name not in self.errors}
        if ok.get("series") is not None:
            items = items.in_series(ok["series"])
        if ok.get("year") is not None:
            items = items.filter(year=ok["year"])
        for name in ("category", "retention", "open_status"):
            if ok.get(name):
                items = items.filter(**{name: ok[name]})
        if ok.get("batch"):
            items = items.filter(batch__code=ok["batch"].strip())
        if ok.get("has_text"):
            items = items.with_text(ok["has_text"] == "yes")
        if ok.get("title"):
            items = items.filter(title__contains=ok["title"].strip())
        return items.order_by(*SORTS.get(ok.get("sort") or "ref_code", SORTS["ref_code"]))
