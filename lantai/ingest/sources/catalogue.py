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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lantai.ingest.submission import Problem, nfc
from lantai.text.normalise import to_simplified

CATALOGUE_NAMES = ("目录", "归档文件目录", "移交目录", "文件目录", "catalogue", "catalog", "index")
CATALOGUE_SUFFIXES = (".csv", ".xlsx")
# Columns a folder catalogue must have (2-3 元数据项完整性检测). 档号 is not among them: a
# row without one gets a 档号 allocated from 年度/保管期限/机构 on acceptance.
REQUIRED_COLUMNS = ("title", "creator", "date", "retention", "file")

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "ref_code": ("档号", "refcode", "referencecode", "ref", "archivalcode"),
    "fonds": ("全宗号", "全宗代码", "fonds", "fondscode"),
    "title": ("题名", "标题", "文件题名", "正题名", "title"),
    "creator": ("责任者", "作者", "发文机关", "creator", "author"),
    "date": ("日期", "形成日期", "成文日期", "文件日期", "date"),
    "doc_number": ("文号", "文件编号", "发文字号", "docnumber", "documentnumber", "docno"),
    "retention": ("保管期限", "retention", "retentionperiod"),
    "classification": ("密级", "classification", "securityclassification"),
    "pages": ("页数", "pages", "pagecount"),
    "category": ("门类", "门类代码", "档案门类", "category"),
    "org": ("机构问题", "机构问题代码", "机构代码", "问题代码", "机构", "org", "organisation"),
    "year": ("年度", "year"),
    "number": ("件号", "number", "itemnumber"),
    "carrier": ("载体", "载体类型", "carrier"),
    "topics": ("主题词", "关键词", "topics", "keywords", "subject"),
    "description": ("摘要", "附注", "备注", "内容摘要", "description", "notes", "remarks"),
    "url": ("网址", "url", "uri"),
    "capture_date": ("采集时间", "采集日期", "capturedate"),
    "size": ("文件大小", "大小", "字节数", "size", "filesize", "bytes"),
    "format": ("文件格式", "格式", "format", "fileformat"),
    "file": (
        "文件名",
        "电子文件名",
        "计算机文件名",
        "文件",
        "文件路径",
        "file",
        "files",
        "filename",
        "filenames",
        "path",
    ),
    "digest_algorithm": ("摘要算法", "数字摘要算法", "digestalgorithm", "algorithm"),
    "digest": ("数字摘要", "摘要值", "校验值", "digest", "checksum"),
    "digest:sha256": ("sha256", "sha256摘要", "sha256值"),
    "digest:sm3": ("sm3", "sm3摘要", "sm3值"),
    "digest:md5": ("md5", "md5摘要", "md5值"),
    "digest:sha1": ("sha1", "sha1摘要"),
    "digest:sha512": ("sha512",),
}
_ALIAS_TO_KEY = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
_BRACKETS = re.compile(r"[\s()\[\]{}（）【】_\-:：/·.]")
FILE_SEPARATORS = re.compile(r"[;；|]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def normalise_header(text: str) -> str:
    """NFKC, no brackets or spaces, lower case, Simplified (a Big5 catalogue's 題名 is 题名)."""
    return to_simplified(_BRACKETS.sub("", unicodedata.normalize("NFKC", text)).lower())


def header_key(text: str) -> str | None:
    """Canonical key for a column header, or ``None`` if it is not one we know."""
    return _ALIAS_TO_KEY.get(normalise_header(text))


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


@dataclass
class Table:
    """A catalogue as read: canonical column keys and rows numbered as in a spreadsheet.

    ``rows`` are ``(row number, values, sheet)``; ``sheet`` is the worksheet's name when an
    XLSX catalogue spans several sheets (so messages say which), otherwise ``None``.
    """

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str], str | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


def find_header(grid: list[list[str]]) -> int | None:
    """Index of the header row: the first of the first five filled rows with a known column
    (catalogues exported from office software often start with a title line,
    「2020年归档文件目录」); ``None`` if there is none."""
    filled = [i for i, row in enumerate(grid) if any(cell.strip() for cell in row)]
    return next((i for i in filled[:5] if any(header_key(c) for c in grid[i])), None)


def is_empty(grid: list[list[str]]) -> bool:
    return not any(cell.strip() for row in grid for cell in row)


def header_of(grid: list[list[str]], start: int) -> tuple[list[str], list[str]]:
    """(the header as written, the canonical column keys) of the header row ``start``."""
    header = [nfc(cell.strip()) for cell in grid[start]]
    return header, [header_key(cell) or cell for cell in header]


def missing_columns(columns: list[str]) -> list[str]:
    return [k for k in REQUIRED_COLUMNS if k not in columns]


def missing_problem(name: str, row: int, missing: list[str], where: str = "") -> Problem:
    labels = "、".join(REQUIRED_LABELS[k] for k in missing)
    message = f"{where}目录缺少必备列：{labels}。请补充后重新移交"
    return Problem(name, row, missing[0], message, "2-3")


def data_rows(
    grid: list[list[str]], start: int, columns: list[str], sheet: str | None = None
) -> list[tuple[int, dict[str, str], str | None]]:
    """The filled rows below the header, as (spreadsheet row number, values, sheet)."""
    rows = []
    for index in range(start + 1, len(grid)):
        cells = grid[index]
        if any(cell.strip() for cell in cells):
            values = {c: nfc(v.strip()) for c, v in zip(columns, cells, strict=False)}
            rows.append((index + 1, values, sheet))
    return rows


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


REQUIRED_LABELS = {
    "title": "题名",
    "creator": "责任者",
    "date": "日期",
    "retention": "保管期限",
    "file": "文件名（电子文件名）",
}
