"""Volumes (案卷), items (件) and their stored files (电子文件)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantai.archive import domains
from lantai.archive.models.batches import TransferBatch
from lantai.archive.models.fonds import Fonds, Series
from lantai.archive.visibility import item_condition, sees_whole_fonds

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _choices(domain: dict[str, str]) -> list[tuple[str, StrPromise]]:
    """Choices from a plain-Python domain, labels translated (msgids are the Chinese labels)."""
    return [(code, _(label)) for code, label in domain.items()]


class Volume(models.Model):
    """A 案卷 of legacy holdings arranged by volume; items may belong to one."""

    fonds = models.ForeignKey(Fonds, models.PROTECT, verbose_name=_("全宗"), related_name="volumes")
    series = models.ForeignKey(
        Series,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("类别"),
        related_name="volumes",
    )
    ref_code = models.CharField(_("案卷档号"), max_length=100, unique=True)
    title = models.CharField(_("案卷题名"), max_length=500)
    creator = models.CharField(_("责任者"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    date_from = models.CharField(_("起始日期"), max_length=10, blank=True)
    date_to = models.CharField(_("终止日期"), max_length=10, blank=True)
    retention = models.CharField(
        _("保管期限"), max_length=4, choices=_choices(domains.RETENTION), default="Y"
    )
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    # The 案卷's class (类别号 under DA/T 13: 门类·年度·保管期限·机构) and its number in it.
    # Null for volumes that arrived numbered with a transfer (their 档号 is as received).
    category = models.CharField(
        _("门类"), max_length=4, choices=_choices(domains.CATEGORIES), blank=True
    )
    org_code = models.CharField(_("机构（问题）代码"), max_length=32, blank=True)
    number = models.PositiveIntegerField(_("案卷号"), null=True, blank=True)
    # 备考表 (DA/T 22 / GB/T 9705): what the box holds beyond the list, who arranged and checked.
    note = models.TextField(_("本卷情况说明"), blank=True)
    arranged_by = models.CharField(_("立卷人"), max_length=50, blank=True)
    arranged_on = models.DateField(_("立卷日期"), null=True, blank=True)
    checked_by = models.CharField(_("检查人"), max_length=50, blank=True)
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("组卷时间"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("案卷")
        verbose_name_plural = pgettext_lazy("plural", "案卷")
        ordering = ["ref_code"]

    def __str__(self) -> str:
        return f"{self.ref_code} {self.title}"


class ItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ItemQuerySet:
        """The items ``user`` may see: the one access predicate (``lantai.archive.visibility``)."""
        condition = item_condition(user)
        if condition is None:
            return self
        # The fonds__staff join can repeat rows; filter by id to keep the queryset duplicate-free.
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))

    def of_fonds_for(self, user, fonds: Fonds) -> ItemQuerySet:
        """The items of ``fonds`` that ``user`` may see. For the fonds' own staff that is all
        of them but a voided batch's (``visibility.sees_whole_fonds``), asked once instead of
        per row."""
        if sees_whole_fonds(user, fonds):
            # The fonds' voided batches are few and usually none: asked first, so the list's
            # query has no subquery at all (counting 200 k records on SQLite: 102 → 8 ms).
            voided = list(
                TransferBatch.objects.filter(fonds=fonds, state="voided").values_list(
                    "pk", flat=True
                )
            )
            mine = self.filter(fonds=fonds)
            return mine.exclude(batch_id__in=voided) if voided else mine
        return self.visible_to(user).filter(fonds=fonds)

    def in_series(self, series: Series) -> ItemQuerySet:
        """Items filed under ``series`` or any node below it (one prefix match on the path)."""
        return self.filter(series__path__startswith=series.path)

    def with_text(self, has_text: bool = True) -> ItemQuerySet:
        """Items that carry an extracted full text (``has_text``), or those that do not."""
        return self.exclude(text="") if has_text else self.filter(text="")


class Item(models.Model):
    """A 件: the unit of description (DA/T 18 文件级, DA/T 46 metadata)."""

    fonds = models.ForeignKey(Fonds, models.PROTECT, verbose_name=_("全宗"), related_name="items")
    series = models.ForeignKey(
        Series, models.PROTECT, null=True, blank=True, verbose_name=_("类别"), related_name="items"
    )
    volume = models.ForeignKey(
        Volume, models.PROTECT, null=True, blank=True, verbose_name=_("案卷"), related_name="items"
    )
    # 卷内序号: the record's place in its volume (1, 2, …); empty when it is in none.
    volume_position = models.PositiveIntegerField(_("卷内序号"), null=True, blank=True)
    batch = models.ForeignKey(
        TransferBatch,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("接收批次"),
        related_name="items",
    )
    ref_code = models.CharField(_("档号"), max_length=100, unique=True)
    category = models.CharField(_("门类"), max_length=4, choices=_choices(domains.CATEGORIES))
    year = models.PositiveSmallIntegerField(_("年度"))
    org_code = models.CharField(_("机构（问题）代码"), max_length=32, blank=True)
    number = models.PositiveIntegerField(_("件号"))
    title = models.CharField(_("题名"), max_length=1000)
    creator = models.CharField(_("责任者"), max_length=500, blank=True)
    date = models.CharField(
        _("日期"),
        max_length=10,
        blank=True,
        help_text=_("YYYY、YYYY-MM 或 YYYY-MM-DD（可为不完整日期）"),
    )
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    retention = models.CharField(_("保管期限"), max_length=4, choices=_choices(domains.RETENTION))
    retention_original = models.CharField(
        _("保管期限（原著录）"),
        max_length=20,
        blank=True,
        help_text=_("移交单位原始著录，如“长期”"),
    )
    classification = models.CharField(
        _("密级"), max_length=4, choices=_choices(domains.CLASSIFICATIONS), blank=True
    )
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    carrier = models.CharField(
        _("载体"), max_length=16, choices=_choices(domains.CARRIERS), default="electronic"
    )
    topics = models.JSONField(_("主题词"), default=list, blank=True)
    # 当事人: the persons a record is about (a marriage, a pension, a land grant), by name, for
    # the staff to find a 民生档案 for the person concerned. Never shown or indexed for the
    # public: a name here is personal information, not description.
    persons = models.JSONField(_("当事人"), default=list, blank=True)
    description = models.TextField(_("范围和提要"), blank=True)
    source_url = models.URLField(_("来源网址"), max_length=2000, blank=True)
    open_status = models.CharField(
        _("开放状态"), max_length=12, choices=_choices(domains.OPEN_STATUSES), default="unreviewed"
    )
    open_reason = models.TextField(_("审核理由"), blank=True)
    open_decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_again = models.DateField(_("复审日期"), null=True, blank=True)
    # Proposed for open review before its age threshold (提前开放建议), and the transferring
    # unit's opinion in a joint review (联合审核意见).
    review_proposed_at = models.DateTimeField(_("提前审核建议时间"), null=True, blank=True)
    review_proposal = models.TextField(_("提前审核建议理由"), blank=True)
    joint_opinion = models.TextField(_("移交单位意见"), blank=True)
    review_first = models.JSONField(
        _("待复审的初审意见"), default=dict, blank=True
    )  # {decision, reason, review_again, opinion, by, at} while a two-step review waits
    text = models.TextField(_("提取文本"), blank=True)
    # 遮蔽 (redaction): character spans of ``text`` a reviewer masked, and the text the public
    # gets instead (search, snippets, item page, copies). Empty when nothing is masked.
    redactions = models.JSONField(_("遮蔽范围"), default=list, blank=True)
    public_text = models.TextField(_("公开文本（遮蔽后）"), blank=True)
    # 遮蔽词语: words masked in EVERY public field (title, creator, 文号, topics, description,
    # file names, body), one entry per review decision, never deleted: a removed mask keeps its
    # entry with ``removed_at`` (see lantai.access.review.add_masks / remove_masks).
    masks = models.JSONField(_("遮蔽词语"), default=list, blank=True)
    script = models.CharField(
        _("文字"), max_length=12, choices=_choices(domains.SCRIPTS), blank=True
    )
    created_at = models.DateTimeField(_("著录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案（件）")
        verbose_name_plural = pgettext_lazy("plural", "档案（件）")
        ordering = ["ref_code"]
        permissions = [("review_item", _("开放审核"))]
        indexes = [
            models.Index(fields=["fonds", "open_status"]),
            models.Index(fields=["year"]),
            # A fonds' list in 档号 order, whole or of one 年度, reads its first page straight
            # off these (bench/staff/RESULTS.md).
            models.Index(fields=["fonds", "ref_code"], name="item_fonds_refcode"),
            models.Index(fields=["fonds", "year", "ref_code"], name="item_fonds_year_refcode"),
        ]

    def __str__(self) -> str:
        return f"{self.ref_code} {self.title}"[:255]

    @property
    def active_masks(self) -> list[dict]:
        """The mask entries in force (removed ones stay in ``masks`` as history)."""
        return [m for m in self.masks or [] if not m.get("removed_at")]

    @property
    def is_redacted(self) -> bool:
        return bool(self.redactions) or bool(self.active_masks)


class Component(models.Model):
    """One stored file of an item: the master, an access copy, extracted text or an OCR layer."""

    ROLES = {"master": _("原件"), "access": _("利用件"), "text": _("文本"), "ocr": _("OCR 层")}

    item = models.ForeignKey(
        Item, models.CASCADE, verbose_name=_("档案"), related_name="components"
    )
    role = models.CharField(_("用途"), max_length=8, choices=list(ROLES.items()), default="master")
    original_name = models.CharField(_("原始文件名"), max_length=500)
    stored_path = models.CharField(_("存储位置"), max_length=1000)
    size = models.BigIntegerField(_("大小（字节）"))
    format_id = models.CharField(_("格式标识（PRONOM）"), max_length=32, blank=True)
    mime_type = models.CharField(_("MIME 类型"), max_length=100, blank=True)
    # Indexed: ingest looks every submitted file's digest up in the fonds (1-8, re-uploads).
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    # 区域遮蔽: rectangles a reviewer masked on this file's pages (fractions of the page), one
    # entry per rectangle, never deleted: a lifted one keeps ``removed_at`` (see
    # lantai.access.regions). The public copy of a masked image or PDF page is built from them.
    regions = models.JSONField(_("遮蔽区域"), default=list, blank=True)
    # The 数字化挂接 batch that attached this file to an earlier record (lantai.ingest.attach);
    # empty for a file that came with its record (the record's own batch).
    batch = models.ForeignKey(
        "archive.TransferBatch",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("挂接批次"),
        related_name="attached_files",
    )
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("电子文件")
        verbose_name_plural = pgettext_lazy("plural", "电子文件")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def display_name(self) -> str:
        """The file's own name, without the sub-folders it had in the submission."""
        return self.original_name.rsplit("/", 1)[-1]
