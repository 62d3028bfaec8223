"""Fonds (全宗), the series tree inside a fonds (类别), and 档号 counters."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantai.archive import refcode
from lantai.archive.visibility import fonds_condition

REVIEW_STEPS = [(1, _("一级审核")), (2, _("两级审核（初审 → 复审）"))]


class FondsQuerySet(models.QuerySet):
    def assigned_to(self, user) -> FondsQuerySet:
        """The fonds ``user`` works on: those assigned to them (all for a superuser, none for
        someone not signed in); every staff list, choice and scope starts here."""
        condition = fonds_condition(user)
        return self if condition is None else self.filter(condition)


class Fonds(models.Model):
    code = models.CharField(_("全宗号"), max_length=16, unique=True)
    name = models.CharField(_("全宗名称"), max_length=200)
    archive_name = models.CharField(_("档案馆名称"), max_length=200, blank=True)
    description = models.TextField(_("全宗介绍"), blank=True)
    is_public = models.BooleanField(
        _("公开目录"), default=True, help_text=_("关闭后，本全宗的任何档案都不对公众展示")
    )
    refcode_template = models.CharField(
        _("档号模板"), max_length=200, default=refcode.DEFAULT_TEMPLATE
    )
    number_width = models.PositiveSmallIntegerField(_("件号位数"), default=4)
    review_steps = models.PositiveSmallIntegerField(
        _("开放审核流程"),
        choices=REVIEW_STEPS,
        default=1,
        help_text=_("两级审核时，初审意见须经另一位审核员复审后才生效"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管人员"),
        blank=True,
        related_name="assigned_fonds",
    )
    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)

    objects = FondsQuerySet.as_manager()

    class Meta:
        verbose_name = _("全宗")
        verbose_name_plural = pgettext_lazy("plural", "全宗")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def grammar(self) -> refcode.Grammar:
        return refcode.Grammar(self.refcode_template, self.number_width)

    def review_steps_refusal(self, steps: int) -> str:
        """Why the review process may not become ``steps`` now ("" when it may). Going back
        from the two-step chain to one step waits until no 初审 opinion is pending: it would
        otherwise be approved under a rule the fonds no longer has, or silently lost."""
        if steps not in (1, 2):
            return "开放审核流程无效：应为 1（一级审核）或 2（两级审核）"
        waiting = self.items.exclude(review_first={}).count() if steps == 1 else 0
        if waiting:
            return (
                f"全宗 {self.code} 有 {waiting} 件初审意见等待复审："
                "请先在审核台复审或退回，再改为一级审核"
            )
        return ""

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        try:
            self.grammar  # noqa: B018 — validates the template and width
        except refcode.GrammarError as error:
            raise ValidationError({"refcode_template": str(error)}) from None
        part = refcode.PARTS["fonds"]
        if not re.fullmatch(part.pattern, self.code):
            raise ValidationError({"code": f"全宗号「{self.code}」不合规：应为{part.hint}"})


class Series(models.Model):
    """A node of the classification tree inside a fonds (门类, then 机构/问题, …).

    The tree is a materialised path (``path`` like ``0003.0012.``): subtree queries are one
    ``path__startswith`` and moving is a prefix rewrite, with none of a nested set's renumbering.
    """

    fonds = models.ForeignKey(Fonds, models.PROTECT, verbose_name=_("全宗"), related_name="series")
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("上级类别"),
        related_name="children",
    )
    code = models.CharField(_("类别号"), max_length=32)
    name = models.CharField(_("类别名称"), max_length=200)
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("层级"), editable=False, default=0)

    class Meta:
        verbose_name = _("类别")
        verbose_name_plural = pgettext_lazy("plural", "类别")
        ordering = ["fonds", "path"]
        constraints = [
            models.UniqueConstraint(fields=["fonds", "parent", "code"], name="series_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fonds.code} {self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        if self.parent and self.parent.fonds_id != self.fonds_id:
            raise ValueError("上级类别必须属于同一全宗")
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else ''}{self.pk:06d}."
        if path != self.path:
            self.path, self.depth = path, path.count(".") - 1
            Series.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def subtree(self) -> models.QuerySet[Series]:
        return Series.objects.filter(path__startswith=self.path)

    def ancestors(self) -> list[Series]:
        ids = [int(part) for part in self.path.split(".") if part][:-1]
        by_id = Series.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class RefCodeCounter(models.Model):
    """The last 件号 allocated in one 档号 group (everything but 件号, e.g. J001-WS·2020-Y-BGS).

    Allocation locks this row inside the caller's transaction, so numbers are unique under
    concurrency and gap-free: a rolled-back allocation rolls back its increment too.
    """

    fonds = models.ForeignKey(Fonds, models.CASCADE, related_name="+")
    group = models.CharField(max_length=200)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fonds", "group"], name="refcode_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.last_number}"
