"""区域遮蔽: rectangles a reviewer masks on a file's pages, and the public copy made from them.

Decisions recorded here:

- **Regions belong to one stored file** (``Component.regions``), page by page, in fractions of
  the page as shown, so they hold at every size a copy is made in. Each is an entry with its
  number, reason, who drew it and when; lifting one is a decision of its own with a reason, and
  the entry stays with ``removed_at`` (as masked words do, :mod:`lantai.access.review`). Audit
  events give numbers, pages and the reason, never what the region covered.
- **Drawing regions on a file is the reviewer's statement that the file, so masked, is fit for
  the public.** A record with masked words is otherwise delivered only as its masked text
  (images and PDFs cannot be searched for words); a file with regions in force is delivered as
  its masked image or PDF, and a PDF of a record with masked words is re-rendered page by page
  so no page keeps a text layer with the masked words (:func:`lantai.access.pdfpages.redact_pdf`).
- Regions mask the image, not the extracted text. Words in a masked area that were recognised
  (OCR) are masked in the text by masked words, which the region form asks for beside it.
- The reviewer gives regions as lines ``页码 左 上 宽 高`` in percent of the page (the drawing
  tool on the workbench fills them in). A region outside the page, of no area or on a page the
  file does not have is refused with the line named: clipping it would mask less than was drawn.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantai.access.pdfpages import Box, PageError, pdf_page_count
from lantai.access.review import ReviewError
from lantai.archive.models import Component
from lantai.audit.chain import record

IMAGE_TYPES = frozenset({"image/jpeg", "image/tiff", "image/png", "image/gif", "image/webp"})
PDF_TYPE = "application/pdf"
MAX_REGIONS = 200  # per submission: more is a drawing tool gone wrong, not a review
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_LINE = re.compile(
    rf"^({_NUMBER})[\s,，;；]+({_NUMBER})[\s,，;；]+({_NUMBER})[\s,，;；]+({_NUMBER})[\s,，;；]+({_NUMBER})$"
)


@dataclass(frozen=True, slots=True)
class Region:
    """One rectangle to mask: page number (1-based) and its box in fractions of the page."""

    page: int
    box: Box


def maskable(component: Any) -> bool:
    """Whether regions can be drawn on this file (an image or a PDF)."""
    return (component.mime_type or "") in IMAGE_TYPES | {PDF_TYPE}


def pages_of(component: Any) -> int:
    """The file's page count (an image has one page)."""
    if (component.mime_type or "") != PDF_TYPE:
        return 1
    if component.page_count:
        return int(component.page_count)
    try:
        return pdf_page_count(Path(settings.STORAGE_DIR) / component.stored_path)
    except PageError:
        return 0


def active_regions(component: Any) -> list[dict]:
    """The region entries in force (lifted ones stay in ``regions`` as history)."""
    return [r for r in component.regions or [] if not r.get("removed_at")]


def boxes_by_page(component: Any) -> dict[int, list[Box]]:
    """The regions in force, grouped by page, as boxes for :mod:`lantai.access.pdfpages`."""
    pages: dict[int, list[Box]] = {}
    for entry in active_regions(component):
        left, top = float(entry["x"]), float(entry["y"])
        box = (left, top, left + float(entry["w"]), top + float(entry["h"]))
        pages.setdefault(int(entry["page"]), []).append(box)
    return pages


def parse_regions(text: str, pages: int) -> list[Region]:
    """Regions from lines ``页码 左 上 宽 高`` (percent); :class:`ReviewError` names a bad line."""
    regions = []
    lines = [line.strip() for line in unicodedata.normalize("NFKC", text).splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise ReviewError(
                f"遮蔽区域第 {number} 行「{line[:40]}」格式无效：应为“页码 左 上 宽 高”五个数，"
                "后四个为占页面宽、高的百分比，如“1 10 20 30 5”"
            )
        page_text, *values = match.groups()
        if "." in page_text or not 1 <= int(page_text) <= max(pages, 1):
            raise ReviewError(f"遮蔽区域第 {number} 行的页码 {page_text} 无效：该文件共 {pages} 页")
        left, top, width, height = (float(v) / 100 for v in values)
        if width <= 0 or height <= 0 or left + width > 1.0001 or top + height > 1.0001:
            raise ReviewError(
                f"遮蔽区域第 {number} 行超出页面或面积为零：左 + 宽、上 + 高都不能超过 100，"
                "宽和高都要大于 0；请在页面上重新框选"
            )
        box = (left, top, min(1.0, left + width), min(1.0, top + height))
        regions.append(Region(int(page_text), box))
    if len(regions) > MAX_REGIONS:
        raise ReviewError(f"一次最多遮蔽 {MAX_REGIONS} 个区域，请分次提交")
    return regions


def add_regions(component: Component, regions: list[Region], reason: str) -> Component:
    """Mask ``regions`` of ``component`` on top of those in force: one audited decision."""
    from lantai.audit.context import current_actor

    if not regions:
        return component
    if not reason.strip():
        raise ReviewError("区域遮蔽必须写明理由")
    if not maskable(component):
        raise ReviewError(f"文件「{component.display_name}」不是图像或 PDF，不能框选遮蔽区域")
    with transaction.atomic():
        component = Component.objects.select_for_update().get(pk=component.pk)
        entries = list(component.regions or [])
        now, actor = timezone.now().isoformat(), current_actor()
        added = []
        for region in regions:
            left, top, right, bottom = region.box
            number = max((e.get("id", 0) for e in entries), default=0) + 1
            entries.append(
                {
                    "id": number,
                    "page": region.page,
                    "x": round(left, 6),
                    "y": round(top, 6),
                    "w": round(right - left, 6),
                    "h": round(bottom - top, 6),
                    "reason": reason.strip(),
                    "added_at": now,
                    "added_by": actor,
                }
            )
            added.append(entries[-1])
        component.regions = entries
        component.save(update_fields=["regions"])
        record(
            "region_mask",
            obj=component,
            object_repr=component.item.ref_code,
            detail={
                "item": component.item.ref_code,
                "regions": [e["id"] for e in added],
                "pages": sorted({e["page"] for e in added}),
                "reason": reason.strip(),
            },
        )
    return component


def remove_regions(component: Component, ids: list[int], reason: str) -> Component:
    """Lift regions (by their numbers): a decision of its own, with a reason, audited."""
    from lantai.audit.context import current_actor

    if not reason.strip():
        raise ReviewError("取消区域遮蔽必须写明理由")
    with transaction.atomic():
        component = Component.objects.select_for_update().get(pk=component.pk)
        active = {e["id"] for e in active_regions(component)}
        unknown = [str(i) for i in ids if i not in active]
        if unknown or not ids:
            raise ReviewError(
                f"文件「{component.display_name}」没有生效中的遮蔽区域 "
                + "、".join(unknown or ["（未选择）"])
                + "：请在审核页面选择要取消的区域"
            )
        now, actor = timezone.now().isoformat(), current_actor()
        component.regions = [
            {**e, "removed_at": now, "removed_by": actor, "removed_reason": reason.strip()}
            if e.get("id") in ids and not e.get("removed_at")
            else e
            for e in component.regions
        ]
        component.save(update_fields=["regions"])
        record(
            "region_unmask",
            obj=component,
            object_repr=component.item.ref_code,
            detail={
                "item": component.item.ref_code,
                "regions": sorted(ids),
                "reason": reason.strip(),
            },
        )
    return component
