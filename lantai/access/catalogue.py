"""The 开放档案目录 (catalogue of opened records), as CSV or XLSX.

Built from ``Item.objects.visible_to(AnonymousUser())`` — exactly what the public may see —
so the published catalogue can never list a closed, controlled or unreviewed record. Columns
follow the DA/T 22 归档文件目录 plus the date the record was opened. Rows are streamed, so a
catalogue of a million records does not sit in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from lantai.archive.models import Item

COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "页数", "全宗", "开放日期"]


def opened_items(fonds: str = "") -> Iterator[Item]:
    items = Item.objects.visible_to(AnonymousUser()).select_related("fonds").order_by("ref_code")
    if fonds:
        items = items.filter(fonds__code=fonds.upper())
    return items.iterator(2000)


def rows(fonds: str = "") -> Iterator[list[str]]:
    from lantai.access.publication import public_rendition

    for number, item in enumerate(opened_items(fonds), 1):
        decided = item.open_decided_at
        opened = timezone.localtime(decided).date().isoformat() if decided else ""
        shown = public_rendition(item)  # masked 文号, 责任者, 题名
        yield [
            str(number),
            item.ref_code,
            shown.doc_number,
            shown.creator,
            shown.title,
            item.date,
            str(item.pages or ""),
            item.fonds.code,
            opened,
        ]


def csv_lines(fonds: str = "") -> Iterator[str]:
    """UTF-8 CSV with a BOM so Excel on Chinese Windows opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(COLUMNS)
    for row in rows(fonds):
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(fonds: str = "") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("开放档案目录")
    sheet.append(COLUMNS)
    for row in rows(fonds):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
