"""Who reaches the review pages, and which records they review there."""

from __future__ import annotations

from typing import Any

from lantai.accounts.decorators import staff_view
from lantai.archive.models import Fonds, Item

review_required = staff_view("archive.review_item")
MAX_ID_DIGITS = 18  # below 2**63: every such number is a valid database integer


def own_items(user: Any):
    """Records of the reviewer's own fonds: the unmasked record, its masks and originals are
    for them only (a reviewer of another fonds sees the public copy)."""
    items = Item.objects.visible_to(user).select_related("fonds", "series")
    return items.filter(fonds__in=Fonds.objects.assigned_to(user))


def parse_ids(values: list[str]) -> list[int] | None:
    """The ids as integers, or None when any is not 1–18 ASCII digits."""
    cleaned = [v.strip() for v in values]
    if any(not (v.isascii() and v.isdigit() and len(v) <= MAX_ID_DIGITS) for v in cleaned):
        return None
    return [int(v) for v in cleaned]
