"""Spreadsheets of records (XLSX): every cell a string, control characters dropped, print-ready.

Used by the public 开放档案目录 (``lantai.access.catalogue``) and the staff's printed forms
(``lantai.describing.forms``). Decisions:

- Every cell is typed as a string: a title starting with ``=`` stays a title, never a formula
  (OWASP "CSV injection"), and ``#N/A`` or ``001`` keep their exact text.
- Control characters are not allowed in XLSX; one inside a title must not break the file.
- Written by openpyxl's write-only mode into an anonymous temporary file (deleted when
  closed), so a 200 k-row list never sits whole in memory; ``FileResponse`` streams it.
- A form to be printed (``title`` given) gets its title above the header, the header repeated
  on every page, landscape A4 fitted to the page width, and the page number in the footer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any


def xlsx_file(
    sheet_name: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    title: str = "",
    widths: Sequence[int] = (),
) -> IO[bytes]:
    """The rows as an XLSX sheet in an anonymous temporary file, rewound; closing deletes it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    def text_cells(values: Sequence[str], **style: Any) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # a string, even when it starts with "=" or looks like "#N/A"
            for name, setting in style.items():
                setattr(cell, name, setting)
            cells.append(cell)
        return cells

    if title:
        sheet.append(text_cells([title], font=Font(bold=True, size=16)))
        sheet.print_title_rows = "2:2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4 (ECMA-376 paper size 9)
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    header = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append(text_cells(columns, font=Font(bold=True), alignment=header))
    for row in rows:
        sheet.append(text_cells(row))
    # Not a context manager: the file outlives this function; FileResponse closes it.
    spool = tempfile.TemporaryFile(prefix="lantai-sheet-", suffix=".xlsx")  # noqa: SIM115
    try:
        workbook.save(spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool
