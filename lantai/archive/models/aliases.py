"""Former 档号 of renumbered records (issue 15), so a citation of the old number still leads on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lantai.archive.models.fonds import Fonds
from lantai.archive.models.items import Item


class RefCodeAlias(models.Model):
    """A 档号 a record had before an explicit renumbering (``lantai.describing.renumber``).

    The old number is never allocated again (its group's counter has passed it), so an alias
    names one record for good; the item page redirects it to the record's current 档号 for
    whoever may see that record, and answers as for an unknown number to everyone else.
    """

    fonds = models.ForeignKey(Fonds, models.PROTECT, verbose_name=_("全宗"), related_name="+")
    old_code = models.CharField(_("原档号"), max_length=100, unique=True)
    item = models.ForeignKey(
        Item, models.CASCADE, verbose_name=_("档案"), related_name="former_codes"
    )
    renumbered_at = models.DateTimeField(_("改号时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("原档号")
        verbose_name_plural = _("原档号")

    def __str__(self) -> str:
        return self.old_code
