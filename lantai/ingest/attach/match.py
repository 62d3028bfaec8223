"""Which record each scanned file belongs to, and in which page order. Plain Python.

Decisions recorded here:

- **A file belongs to the record its name says**: the 档号 is read from the innermost folder
  whose name is a 档号 (``J001-WS·1990-Y-BGS-0001/0003.jpg``), else from the file's own name,
  where a page number may follow after ``_``, ``-`` or in brackets
  (``J001-WS·1990-Y-BGS-0001_0003.jpg``, ``…-0001-003.tif``, ``…-0001(3).jpg``). Separator
  variants are read as the fonds' grammar reads them (``.`` for ``·``, full-width digits), since
  file systems and scanners seldom write ``·``. Nothing is guessed from a file's content.
- **Pages are ordered by the page number in the name**, else by the name in natural order
  (``2.jpg`` before ``10.jpg``); two files claiming the same page of one record are refused,
  naming both: one of them is a rescan and a person must say which.
- A name without a readable 档号 is refused with the name and the naming rule: a file the run
  cannot place is never silently left behind or attached to a near miss.
- Operating-system litter (``Thumbs.db``, ``__MACOSX/``) is skipped with a warning, as for
  transfers (:mod:`lantai.sip.files`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lantai.archive.refcode import Grammar, RefCodeError
from lantai.sip.files import is_system_file
from lantai.sip.submission import SubmittedFile

_PAGE_SUFFIX = re.compile(r"^(?P<code>.+?)(?:[_\-](?P<a>[0-9]{1,5})|[(（](?P<b>[0-9]{1,5})[)）])$")
_DIGITS = re.compile(r"([0-9]+)")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")


@dataclass
class Scan:
    """One scanned file placed on a record: its 档号 (as the grammar writes it) and page."""

    file: SubmittedFile
    code: str
    page: int | None


@dataclass
class Matching:
    """The scans grouped by 档号, in page order, and what could not be placed."""

    groups: dict[str, list[SubmittedFile]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def code_in(name: str, grammar: Grammar) -> tuple[str, int | None] | None:
    """(档号, page or None) read from a file name without its extension, or None."""
    stem = unicodedata.normalize("NFKC", name).strip()
    for candidate, page in _readings(stem):
        try:
            return grammar.parse(candidate).text, page
        except RefCodeError:
            continue
    return None


def _readings(stem: str) -> list[tuple[str, int | None]]:
    readings: list[tuple[str, int | None]] = [(stem, None)]
    suffixed = _PAGE_SUFFIX.match(stem)
    if suffixed:
        readings.append((suffixed["code"], int(suffixed["a"] or suffixed["b"])))
    return readings


def place(name: str, grammar: Grammar) -> tuple[str, int | None] | None:
    """The record (档号) and page of the file at relative ``name`` (``/``-separated)."""
    *folders, base = name.split("/")
    for folder in reversed(folders):
        found = code_in(folder, grammar)
        if found is not None:
            stem_page = _page_of(base)
            return found[0], stem_page
    return code_in(stem_of(base), grammar)


def stem_of(base: str) -> str:
    """The name without its extension; ``J001-WS.1990-…`` has none (``.`` is its ``·``)."""
    head, dot, extension = base.rpartition(".")
    if dot and _EXTENSION.fullmatch(extension) and not extension.isdigit():
        return head
    return base


def _page_of(base: str) -> int | None:
    """A page number written as the whole stem of a file in a record's folder (``0003.jpg``)."""
    stem = unicodedata.normalize("NFKC", stem_of(base)).strip()
    return int(stem) if stem.isdigit() and len(stem) <= 5 else None


def natural_key(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(name)]


def match(files: dict[str, Path], grammar: Grammar) -> Matching:
    """Group ``files`` (relative NFC name → path) by the 档号 their names carry."""
    found = Matching()
    placed: dict[str, list[Scan]] = {}
    for name in sorted(files, key=natural_key):
        if is_system_file(name):
            found.ignored.append(name)
            continue
        where = place(name, grammar)
        path = files[name]
        if where is None:
            found.problems.append(
                f"文件「{name}」的名称中没有可识别的档号：扫描件应以档号命名"
                "（如 J001-WS·1990-Y-BGS-0001.jpg，多页可加页号 …-0001_0002.jpg），"
                "或放在以档号命名的文件夹中；档号中的“·”可写作“.”"
            )
            continue
        scan = Scan(SubmittedFile(path, name, path.stat().st_size), *where)
        placed.setdefault(scan.code, []).append(scan)
    for code, scans in placed.items():
        pages: dict[int, str] = {}
        for scan in scans:
            if scan.page is None:
                continue
            if scan.page in pages:
                found.problems.append(
                    f"档号 {code} 的第 {scan.page} 页有两个文件：「{pages[scan.page]}」和"
                    f"「{scan.file.name}」，请删去其中一个（重扫件保留一份）后重新挂接"
                )
            pages[scan.page] = scan.file.name
        ordered = sorted(
            scans, key=lambda s: (s.page is None, s.page or 0, natural_key(s.file.name))
        )
        found.groups[code] = [s.file for s in ordered]
    return found
