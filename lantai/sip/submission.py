"""What a parsed transfer looks like, whatever it arrived as. Plain Python, no Django.

Every source (``sources/folder.py``, ``bagit.py``, ``warc.py``, ``zip.py``) turns what it reads
into a :class:`Submission`: items with canonical metadata and the files on disk that make them
up, plus the problems found while reading. Reading never raises for bad input: each problem is a
:class:`Problem` naming the file, the catalogue row and the field, with a Chinese message that
says what is wrong and what to do. The four-property checks (``checks/``) then turn problems and
their own findings into DA/T 70 results; the batch is returned when any of them fails.

Canonical field keys (the one place they are documented). Values are strings as written by the
transferring unit, trimmed and NFC-normalised; normalising codes (保管期限 ``永久`` → ``Y``) is
the job of the checks and of the record writer, so the original wording survives.

==============  ============================  ===============================================
key             Chinese (DA/T 18 / DA/T 46)   note
==============  ============================  ===============================================
fonds           全宗号                         e.g. ``J001``; usually given by ``--fonds``
title           题名
creator         责任者
date            日期 / 形成日期                 ``2020-03-05``, ``20200305``, ``2020年3月5日``,
                                              partial ``2020`` / ``2020-03`` allowed
doc_number      文号 / 文件编号
retention       保管期限                        code ``Y``/``D30``/``D10`` or wording 永久…
classification  密级
pages           页数                           integer
category        门类 / 门类代码                  code ``WS`` or name 文书
org             机构（问题）代码
year            年度                           four digits
number          件号                           integer, zero-padding optional
carrier         载体
topics          主题词                          several separated by ；; or space
description     摘要 / 附注 / 备注
url             网址 (web captures)
capture_date    采集时间 (web captures)          ISO 8601 timestamp
size            文件大小（字节） as declared      checked against the files (1-10)
format          文件格式 as declared             e.g. ``PDF``; checked against identification
==============  ============================  ===============================================

Catalogue rows are numbered as a spreadsheet shows them: the header is row 1, the first item
row 2. Items from sources without a catalogue (WARC records, BagIt bags) have ``row=None``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

CANONICAL_FIELDS: dict[str, str] = {
    "fonds": "全宗号",
    "title": "题名",
    "creator": "责任者",
    "date": "日期",
    "doc_number": "文号",
    "retention": "保管期限",
    "classification": "密级",
    "pages": "页数",
    "category": "门类",
    "org": "机构（问题）代码",
    "year": "年度",
    "number": "件号",
    "carrier": "载体",
    "topics": "主题词",
    "description": "附注",
    "url": "网址",
    "capture_date": "采集时间",
    "size": "文件大小",
    "format": "文件格式",
}

SourceKind = Literal["folder", "bagit", "warc", "zip"]


def nfc(name: str) -> str:
    """File names and metadata are kept in NFC (macOS writes NFD; both must match)."""
    return unicodedata.normalize("NFC", name)


def field_label(key: str | None) -> str:
    """The Chinese label of a canonical key, for messages."""
    if key is None:
        return ""
    return CANONICAL_FIELDS.get(key, key)


@dataclass
class SubmittedFile:
    """One file of an item, as found on disk.

    ``name`` is the relative name as given (catalogue entry, manifest path, zip member), NFC,
    with ``/`` separators; it becomes the stored original file name. ``declared`` maps a hashlib
    algorithm name (``sha256``, ``sm3``, ``md5``…) to the lower-case hex digest the transferring
    unit recorded. ``computed`` is filled by the checks (one streaming pass per file) so later
    steps can compare against what was checked.
    """

    path: Path
    name: str
    size: int
    declared: dict[str, str] = field(default_factory=dict)
    computed: dict[str, str] = field(default_factory=dict)

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass
class SubmittedItem:
    """One 件: canonical metadata (see the module docstring) and its files, in order.

    ``captures`` are kept with the item for replay but are not its content: a web page's WARC
    records (request, response, metadata, the resources it embeds). The AIP stores them under
    ``data/capture/``; the four-property checks judge ``files`` (the WARC itself is scanned
    whole as a support file of the batch).
    """

    row: int | None
    ref_code: str | None
    fields: dict[str, str] = field(default_factory=dict)
    files: list[SubmittedFile] = field(default_factory=list)
    captures: list[SubmittedFile] = field(default_factory=list)
    # The worksheet of an XLSX catalogue read from several sheets (rows repeat across them).
    sheet: str | None = None

    def where(self) -> str:
        """How a message names this item: catalogue row, 档号 or first file."""
        if self.row is not None:
            sheet = f"工作表「{self.sheet}」" if self.sheet else ""
            return f"目录{sheet}第 {self.row} 行"
        if self.ref_code:
            return f"档号「{self.ref_code}」"
        if self.files:
            return f"文件「{self.files[0].name}」"
        return "条目"


@dataclass
class Problem:
    """Something wrong with the input, found while reading it.

    ``code`` is the DA/T 70 item the problem fails (e.g. ``3-1`` for an unreadable catalogue);
    ``run_checks`` folds each problem into that item's result so nothing is lost.
    """

    file: str | None
    row: int | None
    field: str | None
    message: str
    code: str = "1-12"
    sheet: str | None = None  # see SubmittedItem.sheet

    def __str__(self) -> str:
        where = [part for part in (self._file(), self._row(), self._field()) if part]
        return ("，".join(where) + "：" if where else "") + self.message

    def _file(self) -> str:
        return f"文件「{self.file}」" if self.file else ""

    def _row(self) -> str:
        sheet = f"工作表「{self.sheet}」" if self.sheet else ""
        return f"{sheet}第 {self.row} 行" if self.row is not None else ""

    def _field(self) -> str:
        return f"字段「{field_label(self.field)}」" if self.field else ""


@dataclass
class Submission:
    """A parsed transfer.

    ``declared`` holds what the transferring unit declared about the whole (from 说明文件 or
    bag-info.txt): ``items`` (件数), ``files`` (文件数), ``bytes`` (总字节数), as ints, plus any
    batch-level metadata (``agency`` …) as strings. ``unlisted_files`` are relative names of
    files present but named by no item; ``warnings`` are things reported that do not fail the
    batch (a BagIt warning, a GBK-encoded name recovered).
    """

    kind: SourceKind
    root: Path
    items: list[SubmittedItem] = field(default_factory=list)
    declared: dict[str, int | str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unlisted_files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Files the transfer carries besides the items (catalogue, 说明文件, tag files): not stored
    # as items, but scanned for viruses like everything else.
    support_files: list[SubmittedFile] = field(default_factory=list)
    # Temporary directories the source created (zip unpacking); ``close()`` removes them.
    cleanup: list[Path] = field(default_factory=list)

    @property
    def files(self) -> list[SubmittedFile]:
        return [f for item in self.items for f in item.files]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def problem(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        code: str = "1-12",
        sheet: str | None = None,
    ) -> None:
        self.problems.append(Problem(file, row, field, message, code, sheet))

    def close(self) -> None:
        """Remove temporary directories (unpacked zips). Safe to call twice."""
        import shutil

        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)
        self.cleanup.clear()

    def __enter__(self) -> Submission:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
