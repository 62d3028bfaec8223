"""The search outbox (architecture §7): written in the same transaction as the change it reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SearchOutbox(models.Model):
    """One pending change for the index. ``hides`` marks changes that may take an item away
    from someone (open status, fonds, publication, content edits, deletion): until the indexer
    applies the row, searches exclude the item exactly, so nothing leaks in between."""

    item_id = models.BigIntegerField(db_index=True)
    hides = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检索待更新")
        verbose_name_plural = pgettext_lazy("plural", "检索待更新")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["hides"], condition=models.Q(hides=True), name="outbox_hides")
        ]

    def __str__(self) -> str:
        return f"item {self.item_id}{' (hides)' if self.hides else ''}"
