"""Printed forms archives file on paper, made from the data (issue 15): 归档文件目录 first.

Decisions:

- Each form is built from the records the staff page lists (same filters, same order), never
  typed: what is printed is what the catalogue holds.
- Columns follow DA/T 22-2015 (归档文件整理规则) for the 归档文件目录: 序号, 档号, 文号, 责任者,
  题名, 日期, 密级, 页数, 备注. 日期 is written as the standard's eight digits (YYYYMMDD) when
  the record's date is complete, otherwise as recorded.
- XLSX with print settings (title, header repeated on every page, landscape A4 fitted to
  width, page numbers), via :mod:`lantai.archive.sheets`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from lantai.archive import sheets
from lantai.archive.models import Fonds, Item

FILING_COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
FILING_WIDTHS = [6, 26, 16, 20, 48, 10, 8, 6, 12]


def filing_date(date: str) -> str:
    """``2021-03-05`` → ``20210305`` (DA/T 22's form); a partial date stays as it is."""
    parts = date.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0]):04d}{int(parts[1]):02d}{int(parts[2]):02d}"
    return date


def filing_rows(items: Iterable[Item]) -> Iterator[list[str]]:
    for number, item in enumerate(items, 1):
        yield [
            str(number),
            item.ref_code,
            item.doc_number,
            item.creator,
            item.title,
            filing_date(item.date or ""),
            item.classification,
            str(item.pages or ""),
            "",
        ]


def filing_catalogue(fonds: Fonds, items: Iterable[Item]) -> IO[bytes]:
    """The 归档文件目录 of ``items`` (already scoped and ordered by the caller) as XLSX."""
    return sheets.xlsx_file(
        "归档文件目录",
        FILING_COLUMNS,
        filing_rows(items),
        title=f"归档文件目录　全宗号：{fonds.code}　全宗名称：{fonds.name}",
        widths=FILING_WIDTHS,
    )
