"""The 开放档案目录 (catalogue of opened records), as CSV or XLSX.

Built from ``Item.objects.visible_to(AnonymousUser())`` — exactly what the public may see —
so the published catalogue can never list a closed, controlled or unreviewed record. Columns
follow the DA/T 22 归档文件目录 plus the date the record was opened.

Decisions:

- **Which values** are written is :func:`rows` alone; the writers below only decide how.
- **Nothing in a cell can run as a formula** (OWASP "CSV injection"): titles and 责任者 come
  from transfers and web captures, and a spreadsheet opened by staff or the public must not
  evaluate ``=HYPERLINK(…)`` or ``@SUM(…)``. In CSV a cell starting with ``= + - @``, tab or
  CR (or their full-width forms, or blanks before them) gets a leading ``'``, as OWASP advises:
  the value then shows as text with the quote visible. XLSX cells are typed as strings, so the
  value stays exact and is never a formula; take the XLSX where exact values matter.
- **Streamed, never whole in memory**: rows come from a ``.iterator()`` query. CSV is yielded
  in ~64 KB pieces (``StreamingHttpResponse``); XLSX is written by ``lantai.archive.sheets``
  into an anonymous temporary file that ``FileResponse`` then streams, since a zip container
  cannot be sent before it is finished.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import IO

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from lantai.archive import sheets
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


# A cell that starts (after blanks) with one of these is read as a formula by a spreadsheet.
_FORMULA_START = re.compile(r"^[ \u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")


def neutralise(value: str) -> str:
    """The CSV form of a cell: text that a spreadsheet shows, never evaluates."""
    return "'" + value if _FORMULA_START.match(value) else value


def csv_lines(fonds: str = "") -> Iterator[str]:
    """UTF-8 CSV with a BOM so Excel on Chinese Windows opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(COLUMNS)
    for row in rows(fonds):
        writer.writerow([neutralise(value) for value in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(fonds: str = "") -> IO[bytes]:
    """The XLSX catalogue in an anonymous temporary file, rewound; closing it deletes it."""
    return sheets.xlsx_file("开放档案目录", COLUMNS, rows(fonds))
