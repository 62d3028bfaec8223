"""Reading a transfer catalogue (目录文件): CSV or XLSX, Chinese or English headers.

Design decisions:

- Encodings: a BOM decides (UTF-8, UTF-16); otherwise strict UTF-8, then strict GB18030 (a
  superset of GBK and GB2312, what Chinese Excel saves as "CSV") or Big5 (cp950), whichever
  decodes the whole file with fewer Private Use Area characters, then with fewer unlikely
  characters (full ties: GB18030); any PUA character left fails 1-6, and so does a value
  that still looks like mojibake (``checks/characters.py``). GB18030 decodes most byte
  strings without error, so a wrongly encoded file (e.g. Shift-JIS) shows up as a header in
  which no known column is found: that is reported as an encoding problem (3-1) naming the
  file, not as a list of "missing" columns.
- Headers are matched after NFKC, removing spaces and brackets and lower-casing, against the
  DA/T 18 names and common variants (``HEADER_ALIASES``). Unknown columns are kept under their
  own header so nothing the unit wrote is dropped.
- Digest columns map to hashlib names (``SHA256``, ``SM3``, ``MD5``); a bare 数字摘要 column
  uses a 摘要算法 column if there is one, otherwise the digest's length (32 → MD5, 40 → SHA-1,
  64 → SHA-256 or SM3, recorded as ``sha256|sm3`` and accepted if either matches).
- Several files in one row are separated by ``;``, ``；`` or ``|``; digests follow the same order.
- An XLSX has no encoding to get wrong: its sheets, merged cells and formulas are read by
  ``workbook.py``, and its messages never mention encodings.
- A catalogue is small next to the files it lists, so it is read whole; the files are not.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from lantai.ingest.sources.grid import (
    Table,
    data_rows,
    find_header,
    header_of,
    is_empty,
    missing_columns,
    missing_problem,
)
from lantai.sip.submission import Problem, nfc

CATALOGUE_NAMES = ("目录", "归档文件目录", "移交目录", "文件目录", "catalogue", "catalog", "index")
CATALOGUE_SUFFIXES = (".csv", ".xlsx")
FILE_SEPARATORS = re.compile(r"[;；|]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def find_catalogue(root: Path) -> Path | None:
    """The catalogue at the top of ``root``: 目录.csv/.xlsx and the variants above."""
    candidates = [p for p in root.iterdir() if p.is_file() and not p.is_symlink()]
    for stem in CATALOGUE_NAMES:
        for path in sorted(candidates):
            name = nfc(path.name).lower()
            if name in (stem + suffix for suffix in CATALOGUE_SUFFIXES):
                return path
    for path in sorted(candidates):
        if path.suffix.lower() in CATALOGUE_SUFFIXES and "目录" in nfc(path.stem):
            return path
    return None


def read_catalogue(path: Path, name: str) -> Table:
    """Read and map the catalogue at ``path`` (``name`` is how messages call it)."""
    if path.suffix.lower() == ".xlsx":
        from lantai.ingest.sources.workbook import map_workbook, read_workbook

        try:
            sheets = read_workbook(path)
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            return _unreadable(name, f"无法读取（{type(error).__name__}）：请确认是有效的 XLSX")
        return map_workbook(sheets, name)
    try:
        text = decode_catalogue(path.read_bytes())
    except UnicodeDecodeError:
        return _unreadable(name, "编码无法识别：请另存为 UTF-8 或 GB18030 编码的 CSV")
    return _map_grid(list(csv.reader(io.StringIO(text, newline=""))), name)


def decode_catalogue(data: bytes) -> str:
    """BOM → that encoding; else strict UTF-8; else strict GB18030; else UnicodeDecodeError."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # The whole file decides between GB18030 and Big5 (cp950): the candidate with fewer
    # Private Use Area characters wins (Big5 read as GB18030 lands in PUA); on equal counts,
    # the one with fewer unlikely characters (kana, box drawing, rare ideographs scattered
    # through the text, see checks/characters.py); min() keeps the first of equals, so full
    # ties go to GB18030.
    candidates = []
    for encoding in ("gb18030", "cp950"):
        try:
            candidates.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not candidates:
        return data.decode("gb18030")  # raises the UnicodeDecodeError callers report
    fewest = min(len(_PRIVATE_USE.findall(text)) for text in candidates)
    tied = [text for text in candidates if len(_PRIVATE_USE.findall(text)) == fewest]
    if len(tied) == 1:
        return tied[0]
    from lantai.ingest.checks.characters import unlikely_count

    return min(tied, key=unlikely_count)


def _unreadable(name: str, message: str) -> Table:
    return Table(problems=[Problem(name, None, None, "目录文件" + message, "3-1")])


def _map_grid(grid: list[list[str]], name: str) -> Table:
    """A CSV catalogue's grid → a Table (an XLSX is mapped by ``workbook.map_workbook``)."""
    if is_empty(grid):
        return _unreadable(name, "为空：应有表头行和每件一行")
    start = find_header(grid)
    if start is None:
        filled = next(row for row in grid if any(cell.strip() for cell in row))
        shown = "、".join(nfc(h.strip()) for h in filled[:6] if h.strip())
        return _unreadable(
            name,
            f"表头（{shown}）中没有可识别的列：编码可能有误（应为 UTF-8 或 GB18030），"
            "或表头不在前五行",
        )
    table = Table()
    _, table.columns = header_of(grid, start)
    missing = missing_columns(table.columns)
    if missing:
        table.problems.append(missing_problem(name, start + 1, missing))
    table.rows = data_rows(grid, start, table.columns)
    return table
