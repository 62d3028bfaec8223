"""Printed forms archives file on paper, made from the data (issue 15): 归档文件目录, 卷内文件目录,
备考表, 案卷目录, 移交与接收登记表, 四性检测报告 and 开放审核登记表.

Decisions:

- Each form is built from the records the staff page lists (same filters, same order), never
  typed: what is printed is what the catalogue holds.
- Columns follow DA/T 22-2015 (归档文件整理规则) for the 归档文件目录: 序号, 档号, 文号, 责任者,
  题名, 日期, 密级, 页数, 备注. 日期 is written as the standard's eight digits (YYYYMMDD) when
  the record's date is complete, otherwise as recorded.
- XLSX with print settings (title, header repeated on every page, landscape A4 fitted to
  width, page numbers), via :mod:`lantai.archive.sheets`.
- Each form is first a :class:`PrintedForm` (title, columns, rows, signature lines), so the
  same data becomes the XLSX here and the PDF in the portal (``portal/staff/printing.py``,
  WeasyPrint): the two can never disagree.
- Signature lines (签名、盖章) are printed empty for the hand; what the system knows (the units'
  names, who received it, when) is filled in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

from lantai.archive import sheets
from lantai.archive.domains import RETENTION
from lantai.archive.models import Fonds, Item, Volume

SIGN_HERE = ""  # a signature or seal: left blank for the hand


@dataclass
class Party:
    """One signing side of a form (移交单位, 接收单位, 审核人…): its lines, label → filled value."""

    name: str
    lines: list[tuple[str, str]]


@dataclass
class PrintedForm:
    """A form as data: rendered to XLSX by :func:`as_xlsx` and to PDF by the portal."""

    name: str  # the sheet's and the file's name: 归档文件目录
    title: str  # the printed heading, with the fonds or batch it is for
    columns: Sequence[str]
    rows: Iterable[Sequence[str]]
    widths: Sequence[int] = ()
    parties: list[Party] = field(default_factory=list)
    landscape: bool = True


def as_xlsx(form: PrintedForm) -> IO[bytes]:
    """The form as a print-ready XLSX; the signature lines follow the table."""

    def rows() -> Iterator[Sequence[str]]:
        yield from form.rows
        for party in form.parties:
            yield [""] * len(form.columns)
            yield [party.name]
            for label, value in party.lines:
                yield [label, value or "＿" * 12]

    return sheets.xlsx_file(form.name, form.columns, rows(), title=form.title, widths=form.widths)


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


def filing_form(fonds: Fonds, items: Iterable[Item]) -> PrintedForm:
    """The 归档文件目录 of ``items`` (already scoped and ordered by the caller)."""
    return PrintedForm(
        name="归档文件目录",
        title=f"归档文件目录　全宗号：{fonds.code}　全宗名称：{fonds.name}",
        columns=FILING_COLUMNS,
        rows=filing_rows(items),
        widths=FILING_WIDTHS,
    )


def filing_catalogue(fonds: Fonds, items: Iterable[Item]) -> IO[bytes]:
    return as_xlsx(filing_form(fonds, items))


# 卷内文件目录 (GB/T 9705 / DA/T 22): the records of one volume in their order, each with the
# page it starts on; the last one shows its range, so the total is read off the form.
CONTENTS_COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "页号", "备注"]
CONTENTS_WIDTHS = [6, 26, 16, 20, 48, 10, 10, 12]


def page_numbers(items: list[Item]) -> list[str]:
    """The 页号 column: each record's first page; the last one's range. Blank from the first
    record whose page count is unknown on (a guess would be printed as fact)."""
    shown: list[str] = []
    start: int | None = 1
    for index, item in enumerate(items):
        if start is None or not item.pages:
            shown.append("")
            start = None
            continue
        last = index == len(items) - 1
        end = start + item.pages - 1
        shown.append(f"{start}-{end}" if last and end > start else str(start))
        start = end + 1
    return shown


def volume_contents(volume: Volume, items: list[Item]) -> IO[bytes]:
    return as_xlsx(contents_form(volume, items))


def contents_form(volume: Volume, items: list[Item]) -> PrintedForm:
    pages = page_numbers(items)
    rows = (
        [
            str(n),
            item.ref_code,
            item.doc_number,
            item.creator,
            item.title,
            filing_date(item.date or ""),
            pages[n - 1],
            "",
        ]
        for n, item in enumerate(items, 1)
    )
    return PrintedForm(
        name="卷内文件目录",
        title=f"卷内文件目录　案卷档号：{volume.ref_code}　案卷题名：{volume.title}",
        columns=CONTENTS_COLUMNS,
        rows=rows,
        widths=CONTENTS_WIDTHS,
    )


def note_sheet(volume: Volume, items: list[Item]) -> IO[bytes]:
    return as_xlsx(note_form(volume, items))


def note_form(volume: Volume, items: list[Item]) -> PrintedForm:
    """备考表: the volume's count of records and pages, the note, who arranged and checked."""
    pages = sum(i.pages or 0 for i in items)
    unknown = sum(1 for i in items if not i.pages)
    counted = f"本卷共有文件材料 {len(items)} 件，{pages} 页" + (
        f"（其中 {unknown} 件页数未著录）" if unknown else ""
    )
    rows = [
        ["案卷档号", volume.ref_code],
        ["案卷题名", volume.title],
        ["本卷情况", counted],
        ["说明", volume.note or "（无）"],
        ["立卷人", volume.arranged_by],
        ["立卷日期", volume.arranged_on.isoformat() if volume.arranged_on else ""],
        ["检查人", volume.checked_by],
        ["检查日期", volume.checked_on.isoformat() if volume.checked_on else ""],
    ]
    return PrintedForm(
        name="备考表",
        title="备考表",
        columns=["项目", "内容"],
        rows=rows,
        widths=[14, 80],
        landscape=False,
    )


# 案卷目录: one row per volume of the fonds.
VOLUME_COLUMNS = ["序号", "案卷档号", "案卷题名", "起止日期", "件数", "页数", "保管期限", "备注"]
VOLUME_WIDTHS = [6, 26, 48, 22, 6, 6, 10, 12]


def volume_catalogue(fonds: Fonds, volumes: Iterable[Volume]) -> IO[bytes]:
    return as_xlsx(volume_catalogue_form(fonds, volumes))


def volume_catalogue_form(fonds: Fonds, volumes: Iterable[Volume]) -> PrintedForm:
    def span(volume: Volume) -> str:
        ends = [filing_date(d) for d in (volume.date_from, volume.date_to) if d]
        return "—".join(dict.fromkeys(ends))

    rows = (
        [
            str(n),
            v.ref_code,
            v.title,
            span(v),
            str(getattr(v, "item_count", "")),
            str(v.pages or ""),
            RETENTION.get(v.retention, v.retention),
            "",
        ]
        for n, v in enumerate(volumes, 1)
    )
    return PrintedForm(
        name="案卷目录",
        title=f"案卷目录　全宗号：{fonds.code}　全宗名称：{fonds.name}",
        columns=VOLUME_COLUMNS,
        rows=rows,
        widths=VOLUME_WIDTHS,
    )
