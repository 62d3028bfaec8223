"""Reading an XLSX catalogue: every worksheet as text, with its merged cells and its formulas
that have no saved result.

Design decisions:

- Every worksheet is read (``catalogue.py`` decides which of them are the catalogue); a unit
  that keeps one sheet per year must not lose the second year silently.
- Merged cells are *named, never filled down as accepted data*. A region like A3:A5 holds its
  value in A3 only; whether A4 and A5 mean "the same" is a guess about meaning, and an archive
  does not record guesses. ``catalogue.py`` returns the batch naming the region; the region's
  value is copied into its cells only so that the other checks (2-4 必填项为空 above all) do
  not report the merge a second time as something else.
- A formula saved without its result (a file written by a program rather than saved by Excel
  or WPS) reads as empty with ``data_only``; a second, streaming pass over the formulas finds
  those cells, so the message names the cell and the fix instead of "必填项为空". The cell's
  text becomes its formula (what Excel shows with 显示公式), never a value we computed.
- openpyxl keeps either a formula or its result, and reads an empty result and a missing one
  alike, so the formulas are found by streaming the sheet XML (``<f>`` without a ``<v>``) after
  the values are loaded; a catalogue is small next to the files it lists.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast
from xml.etree import ElementTree

from lantai.ingest.sources.grid import (
    REQUIRED_COLUMNS,
    REQUIRED_LABELS,
    Table,
    data_rows,
    find_header,
    header_key,
    header_of,
    is_empty,
    missing_columns,
    missing_problem,
)
from lantai.sip.submission import Problem, field_label


@dataclass(frozen=True)
class Merged:
    ref: str  # "A3:A5"
    min_row: int
    max_row: int
    min_col: int
    max_col: int


@dataclass
class Sheet:
    """One worksheet: ``grid[r][c]`` is the text of row r+1, column c+1."""

    title: str
    grid: list[list[str]]
    merged: list[Merged] = field(default_factory=list)
    # (cell reference, 1-based row, 1-based column, formula) of formulas without a saved result
    uncached: list[tuple[str, int, int, str]] = field(default_factory=list)


def read_workbook(path: Path) -> list[Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = sheet.iter_rows(min_row=1, min_col=1, max_col=sheet.max_column, values_only=True)
            grid = [[cell_text(value) for value in row] for row in rows]
            merged = [
                Merged(r.coord, r.min_row, r.max_row, r.min_col, r.max_col)
                for r in sheet.merged_cells.ranges
            ]
            sheets.append(Sheet(sheet.title, grid, merged))
    finally:
        book.close()
    _find_uncached(path, sheets)
    return sheets


class _ReadOnlySheet(Protocol):
    """A read-only openpyxl worksheet: where in the zip its XML is (absent from the stubs)."""

    _worksheet_path: str


def _find_uncached(path: Path, sheets: list[Sheet]) -> None:
    """Mark formulas saved without a result: no ``<v>``, or an empty one on a cell that is not
    a string result (Excel writes a formula giving "" as ``t="str"`` with ``<v></v>``;
    openpyxl writes every formula with an empty ``<v>`` and no type)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        paths = [cast(_ReadOnlySheet, sheet)._worksheet_path for sheet in book.worksheets]
    finally:
        book.close()
    with zipfile.ZipFile(path) as archive:
        for sheet, member in zip(sheets, paths, strict=True):
            with archive.open(member) as xml:
                for _, cell in ElementTree.iterparse(xml):
                    if cell.tag != _CELL:
                        continue
                    formula = cell.find(_FORMULA)
                    if formula is not None and _without_result(cell):
                        _mark(sheet, cell.get("r", ""), formula.text or "")
                    cell.clear()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _FORMULA, _VALUE = f"{_NS}c", f"{_NS}f", f"{_NS}v"


def _without_result(cell: ElementTree.Element) -> bool:
    value = cell.find(_VALUE)
    return value is None or (not value.text and cell.get("t") != "str")


def _mark(sheet: Sheet, ref: str, formula: str) -> None:
    from openpyxl.utils.cell import coordinate_to_tuple

    try:
        row, column = coordinate_to_tuple(ref)
    except (ValueError, TypeError):
        return
    if row > len(sheet.grid) or column > len(sheet.grid[row - 1]):
        return
    text = "=" + formula if formula else "（共享公式）"
    sheet.uncached.append((ref, row, column, text))
    if not sheet.grid[row - 1][column - 1]:
        sheet.grid[row - 1][column - 1] = text


def cell_text(value: object) -> str:
    """Excel values as the text a person sees: 12.0 → ``12``, a date → ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def map_workbook(sheets: list[Sheet], name: str) -> Table:
    """The catalogue's worksheets → one Table.

    The first sheet with a recognisable header is the catalogue; every later sheet whose
    header has the same required columns is read too (one sheet per year is common). A sheet
    with a catalogue header that lacks one of them fails 1-12 rather than being skipped: its
    rows would be lost. Sheets without a catalogue header (notes, a 说明 sheet) and empty ones
    are not read, and a warning names them and why, as it names the sheets read.
    """
    table = Table()
    chosen: list[tuple[Sheet, int, list[str]]] = []
    skipped: list[str] = []
    for sheet in sheets:
        if is_empty(sheet.grid):
            skipped.append(f"「{sheet.title}」（空白）")
            continue
        start = find_header(sheet.grid)
        if start is None:
            skipped.append(f"「{sheet.title}」（前五行中没有目录表头）")
            continue
        _, columns = header_of(sheet.grid, start)
        if chosen:
            first_title, first_columns = chosen[0][0].title, chosen[0][2]
            lacking = [k for k in REQUIRED_COLUMNS if k in first_columns and k not in columns]
            if lacking:
                labels = "、".join(REQUIRED_LABELS[k] for k in lacking)
                table.problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        f"工作表「{sheet.title}」有目录表头，但缺少工作表「{first_title}」"
                        f"中的必备列 {labels}，未读取：请补齐这些列，或把该表的条目并入"
                        f"「{first_title}」，或删除该工作表",
                        "1-12",
                    )
                )
                continue
        chosen.append((sheet, start, columns))
    if not chosen:
        return Table(
            problems=[
                Problem(
                    name,
                    None,
                    None,
                    "目录文件中没有可识别的目录表头：表头应在某个工作表的前五行，"
                    "列名如 题名、责任者、日期、保管期限、文件名",
                    "3-1",
                )
            ]
        )
    several = len(chosen) > 1
    for sheet, start, columns in chosen:
        label = sheet.title if several else None
        where = f"工作表「{sheet.title}」" if several else ""
        table.columns += [c for c in columns if c not in table.columns]
        if sheet is chosen[0][0]:
            missing = missing_columns(columns)
            if missing:
                table.problems.append(missing_problem(name, start + 1, missing, where))
        table.problems += _merge_problems(sheet, start, name, where)
        table.problems += _formula_problems(sheet, start, name, where)
        table.rows += data_rows(sheet.grid, start, columns, label)
    if several or skipped:
        read = "、".join(f"「{sheet.title}」" for sheet, _, _ in chosen)
        note = f"；未读取工作表 {'、'.join(skipped)}" if skipped else ""
        table.warnings.append(f"目录「{name}」读取了工作表 {read}{note}")
    return table


def _merge_problems(sheet: Sheet, start: int, name: str, where: str) -> list[Problem]:
    """One problem per merged region reaching below the header (see the module docstring)."""
    header = sheet.grid[start]
    problems = []
    for region in sorted(sheet.merged, key=lambda m: (m.min_row, m.min_col)):
        first = max(region.min_row, start + 2)  # 1-based; the header is row start + 1
        if region.max_row < first:
            continue
        value = sheet.grid[region.min_row - 1][region.min_col - 1]
        if not value.strip():
            continue
        if region.min_row >= first:  # a data cell's value (not a header's): see the docstring
            _fill(sheet, region, value)
        rows = f"{first}" if first == region.max_row else f"{first}–{region.max_row}"
        label = _column_label(header, region.min_col)
        problems.append(
            Problem(
                name,
                None,
                None,
                f"{where}第 {rows} 行「{label}」在合并单元格中（{region.ref}），"
                "请取消合并并在每行填写",
                "1-12",
            )
        )
    return problems


def _fill(sheet: Sheet, region: Merged, value: str) -> None:
    """Copy a merged region's value into its cells, for the other checks only (the batch is
    returned for the merge, so the copy is never accepted as data)."""
    for r in range(region.min_row, min(region.max_row, len(sheet.grid)) + 1):
        cells = sheet.grid[r - 1]
        for c in range(region.min_col, min(region.max_col, len(cells)) + 1):
            cells[c - 1] = value


def _formula_problems(sheet: Sheet, start: int, name: str, where: str) -> list[Problem]:
    header = sheet.grid[start]
    return [
        Problem(
            name,
            None,
            None,
            f"{where}单元格 {ref}（第 {row} 行「{_column_label(header, column)}」）是公式"
            f"「{formula}」，但文件中没有保存计算结果（文件可能由程序生成，未经 Excel 保存）："
            "请用 Excel 或 WPS 打开并保存后重新移交，或将公式复制后「选择性粘贴为数值」",
            "3-1",
        )
        for ref, row, column, formula in sheet.uncached
        if row > start + 1
    ]


def _column_label(header: list[str], column: int) -> str:
    text = header[column - 1].strip() if column <= len(header) else ""
    key = header_key(text) if text else None
    return field_label(key) if key else (text or f"第 {column} 列")
