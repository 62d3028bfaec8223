"""A catalogue as a grid of cells, whatever file it came from (CSV, or each sheet of an XLSX):
the header row, the canonical column keys, the required columns and the data rows. Shared by
the CSV reader (``catalogue``) and the workbook reader (``workbook``), which import it; it
imports neither.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lantai.sip.submission import Problem, nfc
from lantai.text.normalise import to_simplified

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


def normalise_header(text: str) -> str:
    """NFKC, no brackets or spaces, lower case, Simplified (a Big5 catalogue's 題名 is 题名)."""
    return to_simplified(_BRACKETS.sub("", unicodedata.normalize("NFKC", text)).lower())


def header_key(text: str) -> str | None:
    """Canonical key for a column header, or ``None`` if it is not one we know."""
    return _ALIAS_TO_KEY.get(normalise_header(text))


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


REQUIRED_LABELS = {
    "title": "题名",
    "creator": "责任者",
    "date": "日期",
    "retention": "保管期限",
    "file": "文件名（电子文件名）",
}
