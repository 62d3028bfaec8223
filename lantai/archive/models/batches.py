"""Transfer batches (接收批次): what an agency handed over and what the checks found."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TransferBatch(models.Model):
    STATES = {
        "receiving": _("接收中"),
        "received": _("已接收"),
        "checked": _("已检测"),
        "accepted": _("已入库"),
        "returned": _("已退回"),
        "aborted": _("已中止"),
        # 作废: accepted by mistake and withdrawn by a recorded decision (lantai.ingest.void).
        "voided": _("已作废"),
    }

    fonds = models.ForeignKey(
        "archive.Fonds", models.PROTECT, verbose_name=_("全宗"), related_name="batches"
    )
    code = models.CharField(_("批次号"), max_length=64, unique=True)
    agency = models.CharField(_("移交单位"), max_length=300, blank=True)
    source_name = models.CharField(_("提交包"), max_length=1000, blank=True)
    source_kind = models.CharField(_("提交形式"), max_length=16, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=list(STATES.items()), default="received"
    )
    # SHA-256 over the sorted (file name, file digest) pairs (lantai.ingest.identity).
    identity = models.CharField(_("批次标识"), max_length=64, blank=True, db_index=True)
    transfer_number = models.CharField(_("移交批次号"), max_length=100, blank=True, db_index=True)
    # While receiving: {group: [counter before, counter after]}, to reset on abort.
    counters = models.JSONField(_("档号计数器变动"), default=dict, blank=True)
    item_count = models.PositiveIntegerField(_("件数"), default=0)
    volume_count = models.PositiveIntegerField(_("卷数"), default=0)
    file_count = models.PositiveIntegerField(_("文件数"), default=0)
    byte_count = models.BigIntegerField(_("字节数"), default=0)
    report = models.JSONField(_("四性检测报告"), default=list, blank=True)
    registration = models.JSONField(_("移交与接收登记表"), default=dict, blank=True)
    received_by = models.CharField(_("接收人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # 作废: the decision that withdrew an accepted batch (its 文号 or meeting record), why, by
    # whom and when. The records and their packages stay; nobody but the superuser finds them.
    void_decision = models.CharField(_("作废依据"), max_length=200, blank=True)
    void_reason = models.TextField(_("作废原因"), blank=True)
    voided_by = models.CharField(_("作废人"), max_length=150, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接收批次")
        verbose_name_plural = pgettext_lazy("plural", "接收批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.agency}"
