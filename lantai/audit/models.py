"""Audit events and the chain head.

``AuditEvent.seq`` is gap-free (allocated under a lock on :class:`ChainHead`), and each row's
``hash`` covers its content and the previous row's hash, so editing, deleting or reordering any
row breaks the chain. ``ChainHead`` remembers the last seq and hash, which catches a deleted tail.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS = "0" * 64  # the "previous hash" of the first event


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("序号"), primary_key=True)
    timestamp = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=150)
    action = models.CharField(_("动作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, default="success")
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = pgettext_lazy("plural", "审计事件")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("审计事件只可追加，不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计事件只可追加，不可删除")


class ChainHead(models.Model):
    """One row (id=1): the tip of the chain, locked while an event is appended."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = pgettext_lazy("plural", "审计链头")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
