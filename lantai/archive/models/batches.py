"""Transfer batches (接收批次): what an agency handed over and what the checks found."""

from __future__ import annotations

from django.db import models


class TransferBatch(models.Model):
    STATES = {"received": "已接收", "checked": "已检测", "accepted": "已入库", "returned": "已退回"}

    fonds = models.ForeignKey(
        "archive.Fonds", models.PROTECT, verbose_name="全宗", related_name="batches"
    )
    code = models.CharField("批次号", max_length=64, unique=True)
    agency = models.CharField("移交单位", max_length=300, blank=True)
    source_name = models.CharField("提交包", max_length=1000, blank=True)
    source_kind = models.CharField("提交形式", max_length=16, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=list(STATES.items()), default="received"
    )
    item_count = models.PositiveIntegerField("件数", default=0)
    volume_count = models.PositiveIntegerField("卷数", default=0)
    file_count = models.PositiveIntegerField("文件数", default=0)
    byte_count = models.BigIntegerField("字节数", default=0)
    report = models.JSONField("四性检测报告", default=list, blank=True)
    registration = models.JSONField("移交与接收登记表", default=dict, blank=True)
    received_by = models.CharField("接收人", max_length=150, blank=True)
    created_at = models.DateTimeField("接收时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "接收批次"
        verbose_name_plural = "接收批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.agency}"
