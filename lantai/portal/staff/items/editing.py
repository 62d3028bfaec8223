"""The item form (DA/T 18 fields in Chinese) and the paper registration form.

Both validate with ``lantai.describing.fields``, the rules ingest's checks apply; the series
choices are the record's own fonds only, so a record cannot be filed under another fonds' tree
by a crafted POST. (Volumes are arranged on their own pages.)
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantai.archive import domains, refcode
from lantai.archive.models import Fonds, Item, Series
from lantai.describing import fields as rules
from lantai.describing.records import EDITABLE

PART_NAMES = ("category", "year", "retention", "org_code")
TEXT_FIELDS = ("title", "creator", "doc_number", "description")
_LIST_HELP = _("多个用逗号、顿号或分号分隔，或每行一个")


class _Described(forms.ModelForm):
    """The described fields of a record, shared by editing and registration."""

    topics = forms.CharField(label=_("主题词"), required=False, help_text=_LIST_HELP)
    persons = forms.CharField(
        label=_("当事人"),
        required=False,
        help_text=_("档案所涉及的人员姓名，仅供馆内查找民生档案，不对公众展示"),
    )

    class Meta:
        model = Item
        fields = list(EDITABLE)
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "topics": forms.TextInput(attrs={"data-tags": "1"}),
        }

    def __init__(self, *args: Any, fonds: Fonds, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fonds = fonds
        series = self.fields["series"]
        assert isinstance(series, forms.ModelChoiceField)
        series.queryset = Series.objects.filter(fonds=fonds).order_by("path")
        self.fields["topics"].widget.attrs["data-tags"] = "1"
        self.fields["title"].required = True
        if self.instance.pk:
            self.initial["topics"] = "、".join(self.instance.topics or [])
            self.initial["persons"] = "、".join(self.instance.persons or [])

    def _year(self) -> int | None:
        return self.instance.year if self.instance.pk else None

    def clean_topics(self) -> list[str]:
        return self._rule(rules.terms, self.cleaned_data.get("topics", ""), "主题词")

    def clean_persons(self) -> list[str]:
        return self._rule(rules.terms, self.cleaned_data.get("persons", ""), "当事人")

    def clean_pages(self) -> int | None:
        pages = self.cleaned_data.get("pages")
        if pages is not None and pages < 1:
            raise forms.ValidationError(_("页数应至少为 1"))
        return pages

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in TEXT_FIELDS:
            if cleaned.get(name):
                label = str(self.fields[name].label)
                try:
                    cleaned[name] = rules.plain(str(cleaned[name]).strip(), label)
                except rules.FieldError as error:
                    self.add_error(name, str(error))
        if "date" in cleaned:
            try:
                cleaned["date"] = rules.date(cleaned["date"], self._year_for_date(cleaned))
            except rules.FieldError as error:
                self.add_error("date", str(error))
        return cleaned

    def _year_for_date(self, cleaned: dict[str, Any]) -> int | None:
        return self._year()

    @staticmethod
    def _rule(rule: Any, value: str, label: str) -> Any:
        try:
            return rule(value, label)
        except rules.FieldError as error:
            raise forms.ValidationError(str(error)) from None

    def described(self) -> dict[str, Any]:
        """The validated described fields, by model field name."""
        return {name: self.cleaned_data[name] for name in EDITABLE if name in self.cleaned_data}


class ItemForm(_Described):
    """Editing a record: its description only (the 档号 parts change through 改号)."""

    seen = forms.CharField(widget=forms.HiddenInput)


class RegisterForm(_Described):
    """Registering a paper record (存量档案著录): the 档号 parts, then its description."""

    category = forms.ChoiceField(label=_("门类"))
    year = forms.CharField(label=_("年度"), max_length=4)
    retention = forms.ChoiceField(label=_("保管期限"))
    org_code = forms.CharField(label=_("机构（问题）代码"), max_length=32, required=False)

    field_order = ["category", "year", "retention", "org_code"]

    def __init__(self, *args: Any, fonds: Fonds, **kwargs: Any) -> None:
        super().__init__(*args, fonds=fonds, **kwargs)
        self.fields["carrier"].initial = "paper"
        # The labels are the Chinese msgids of the value lists, translated on the page.
        category, retention = self.fields["category"], self.fields["retention"]
        assert isinstance(category, forms.ChoiceField) and isinstance(retention, forms.ChoiceField)
        category.choices = [(k, _(v)) for k, v in domains.CATEGORIES.items()]
        retention.choices = [(k, _(v)) for k, v in domains.RETENTION.items()]

    def clean_year(self) -> int:
        try:
            return rules.year(self.cleaned_data.get("year", ""))
        except rules.FieldError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_org_code(self) -> str:
        value = (self.cleaned_data.get("org_code") or "").strip().upper()
        if not value and "org" in self.fonds.grammar.part_names:
            raise forms.ValidationError(_("本全宗的档号含机构（问题）代码，请填写"))
        part = refcode.PARTS["org"]
        if value and not re.fullmatch(part.pattern, value):
            raise forms.ValidationError(f"机构（问题）代码「{value}」不合规：应为{part.hint}")
        return value

    def _year_for_date(self, cleaned: dict[str, Any]) -> int | None:
        return cleaned.get("year") if isinstance(cleaned.get("year"), int) else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and all(k in cleaned for k in ("category", "year", "retention")):
            grammar = self.fonds.grammar
            parts = {
                "fonds": self.fonds.code,
                "category": cleaned["category"],
                "year": str(cleaned["year"]),
                "retention": cleaned["retention"],
                "org": cleaned.get("org_code", ""),
                "series": cleaned["series"].code if cleaned.get("series") else "",
                "number": 1,
            }
            try:
                grammar.parse(grammar.render(parts))
            except refcode.RefCodeError as error:
                self.add_error(None, f"无法按本全宗的档号模板编号：{error}")
        return cleaned

    def parts(self) -> dict[str, Any]:
        """The 档号 parts typed (and the 类别号 where the fonds' template numbers by series)."""
        chosen = {name: self.cleaned_data[name] for name in PART_NAMES}
        series = self.cleaned_data.get("series")
        if series is not None and "series" in self.fonds.grammar.part_names:
            chosen["series"] = series.code
        return chosen
