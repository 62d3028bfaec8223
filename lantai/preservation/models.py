"""The database side of package versions: which versions a record has, and which records wait
for a new one (the package outbox, written in the transaction of the change)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PackageVersion(models.Model):
    """One written version of a record's package. Version 1 of a received record is its ingest
    bag; later versions are bags under ``versions/`` (:mod:`lantai.preservation.versions`).
    ``state_sha256`` is the digest of the state the version holds — description snapshot and
    file inventory (empty for an ingest bag written before packages kept one); ``audit_seq``
    the last audit event the version's PREMIS events cover."""

    item = models.ForeignKey(
        "archive.Item", models.PROTECT, verbose_name=_("档案"), related_name="package_versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    path = models.CharField(_("存储位置"), max_length=500)
    metadata_sha256 = models.CharField(_("元数据摘要"), max_length=64, blank=True)
    state_sha256 = models.CharField(_("状态摘要"), max_length=64, blank=True)
    audit_seq = models.BigIntegerField(_("审计序号"), default=0)
    created_at = models.DateTimeField(_("写入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("存档包版本")
        verbose_name_plural = pgettext_lazy("plural", "存档包版本")
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="package_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"


class PackageOutbox(models.Model):
    """A record whose package may need a new version: written with the change, drained after
    commit (a task, or the command on its way out), and by ``lantai fixity`` first."""

    item_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("存档包待更新")
        verbose_name_plural = pgettext_lazy("plural", "存档包待更新")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"item {self.item_id}"
