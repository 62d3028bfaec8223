"""Folder + catalogue (目录文件 + 说明文件), the common directory-package form of 移交.

Layout expected::

    移交包/
      目录.csv | 目录.xlsx        one row per 件 (see ``catalogue.py`` for the columns)
      说明文件.txt                 optional: 件数、文件数、总字节数、移交单位 as 「键：值」 lines
      any/sub/dirs/files.pdf      named in the catalogue's 文件名 column, relative to the folder

Design decisions:

- A file named in the catalogue but absent, or named unsafely (``../x``, ``/etc/x``), is a
  :class:`Problem` on that row and field; the item keeps its other files, so every check still
  runs and the report lists everything wrong at once rather than one error per attempt.
- Files present but named by no row are ``unlisted_files`` (2-11 fails on them): a transfer
  carries nothing the catalogue does not account for.
- Catalogue columns Lantai does not know are reported as a warning; the catalogue itself is a
  support file the batch keeps, so nothing the unit wrote is lost.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from lantai.ingest.sources.catalogue import FILE_SEPARATORS, find_catalogue, read_catalogue
from lantai.ingest.sources.grid import HEADER_ALIASES
from lantai.sip.files import Walk, clean_relative, unsafe_name_reason, walk
from lantai.sip.submission import (
    CANONICAL_FIELDS,
    Submission,
    SubmittedFile,
    SubmittedItem,
    nfc,
)

KIND: Final = "folder"
README_NAMES = ("说明文件.txt", "说明.txt", "readme.txt", "说明文件.md")
_DECLARED_KEYS = {
    "items": ("件数", "移交件数", "电子档案件数", "文件件数", "items"),
    "files": ("文件数", "电子文件数", "文件总数", "files"),
    "bytes": ("总字节数", "字节数", "数据量", "总大小", "bytes"),
    "agency": ("移交单位", "立档单位", "agency"),
    "fonds": ("全宗号", "fonds"),
    "transfer_number": ("移交批次号", "transfer_number"),
}
_UNITS = {"": 1, "b": 1, "字节": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_QUANTITY = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*([a-zA-Z字节]*)")


def matches(path: Path) -> bool:
    return path.is_dir() and find_catalogue(path) is not None


def read(root: Path) -> Submission:
    """Read the folder at ``root``; never raises for bad content (problems are recorded)."""
    submission = Submission(KIND, root)
    catalogue = find_catalogue(root)
    readme = next((root / n for n in README_NAMES if (root / n).is_file()), None)
    support = {nfc(p.name): p for p in (catalogue, readme) if p is not None}
    found = walk(root, skip=frozenset(support))
    submission.problems += found.problems
    submission.warnings += found.warnings
    submission.support_files = [SubmittedFile(p, n, p.stat().st_size) for n, p in support.items()]
    if readme is not None:
        submission.declared.update(parse_readme(readme.read_bytes()))
    if catalogue is None:
        submission.problem("未找到目录文件：请在移交目录顶层放置 目录.csv 或 目录.xlsx")
        submission.unlisted_files = sorted(found.files)
        return submission
    name = nfc(catalogue.name)
    table = read_catalogue(catalogue, name)
    submission.problems += table.problems
    submission.warnings += table.warnings
    unknown = [c for c in table.columns if c and c not in HEADER_ALIASES]
    if unknown:
        submission.warnings.append(
            f"目录「{name}」中未识别的列已保留在目录原件中：" + "、".join(unknown)
        )
    listed: set[str] = set()
    for row, values, sheet in table.rows:
        item = _item(submission, name, row, values, found, sheet)
        listed.update(f.name for f in item.files)
        submission.items.append(item)
    submission.unlisted_files = sorted(set(found.files) - listed)
    return submission


def _item(
    submission: Submission,
    catalogue: str,
    row: int,
    values: dict[str, str],
    found: Walk,
    sheet: str | None = None,
) -> SubmittedItem:
    fields = {k: v for k, v in values.items() if k in CANONICAL_FIELDS and v}
    item = SubmittedItem(
        row=row, ref_code=values.get("ref_code") or None, fields=fields, sheet=sheet
    )
    names = [n for n in FILE_SEPARATORS.split(values.get("file", "")) if n.strip()]
    digests = _declared_digests(values, len(names))
    for position, raw in enumerate(names):
        reason = unsafe_name_reason(raw.strip())
        if reason:
            submission.problem(
                f"文件名{reason}",
                file=raw.strip(),
                row=row,
                field="file",
                code="4-8",
                sheet=sheet,
            )
            continue
        relative = clean_relative(raw)
        path = found.files.get(relative)
        if path is None and relative in found.aliases:  # a GBK name that is also valid UTF-8
            path = found.files[found.aliases[relative]]
            listed_as = found.aliases[relative]
            submission.warnings.append(f"文件名「{relative}」为 GBK 编码，已按目录中的中文名识别")
            found.files[relative] = found.files.pop(listed_as)
        if path is None:
            submission.problem(
                f"目录「{catalogue}」所列文件在移交目录中不存在：请补交该文件或更正文件名",
                file=relative,
                row=row,
                field="file",
                code="1-11",
                sheet=sheet,
            )
            continue
        declared = {alg: values[position] for alg, values in digests.items() if values[position]}
        item.files.append(SubmittedFile(path, relative, path.stat().st_size, declared))
    return item


def _declared_digests(values: dict[str, str], count: int) -> dict[str, list[str]]:
    """Digest columns → {algorithm: [digest per file, positionally]} (see catalogue.py)."""
    result: dict[str, list[str]] = {}
    for key, text in values.items():
        if not text:
            continue
        if key.startswith("digest:"):
            result[key.removeprefix("digest:")] = _split(text, count)
        elif key == "digest":
            algorithm = values.get("digest_algorithm", "").lower().replace("-", "")
            parts = _split(text, count)
            result[algorithm or _guess_algorithm(parts)] = parts
    return result


def _split(text: str, count: int) -> list[str]:
    parts = [p.strip().lower() for p in FILE_SEPARATORS.split(text)]
    return (parts + [""] * count)[: max(count, 1)]


def _guess_algorithm(digests: list[str]) -> str:
    length = len(next((d for d in digests if d), ""))
    return {32: "md5", 40: "sha1", 128: "sha512"}.get(length, "sha256|sm3")


def parse_readme(data: bytes) -> dict[str, int | str]:
    """「键：值」 lines of a 说明文件 → declared counts (ints) and batch metadata (strings)."""
    from lantai.ingest.sources.catalogue import decode_catalogue

    try:
        text = decode_catalogue(data)
    except UnicodeDecodeError:
        return {}
    declared: dict[str, int | str] = {}
    for line in text.splitlines():
        parts = re.split(r"[:：=]", line, maxsplit=1)
        if len(parts) != 2:
            continue
        key, value = parts
        target = _declared_key(key)
        if target in ("items", "files", "bytes"):
            quantity = _quantity(value)
            if quantity is not None:
                declared[target], tolerance = quantity
                if tolerance:
                    declared[f"{target}_tolerance"] = tolerance
        elif target:
            declared[target] = value.strip()
    return declared


def _declared_key(key: str) -> str | None:
    cleaned = re.sub(r"[\s（）()]", "", key).lower()
    for target, names in _DECLARED_KEYS.items():
        if any(cleaned.startswith(n) for n in names):
            return target
    return None


def _quantity(value: str) -> tuple[int, int] | None:
    """「1.234 GB」 → (bytes, tolerance): the 登记表 states GB to three decimals, so a value
    with a unit is compared within half its last digit; a plain integer is exact."""
    match = _QUANTITY.match(value.strip())
    if not match:
        return None
    unit = _UNITS.get(match.group(2).lower())
    if unit is None:
        return None
    number = match.group(1).replace(",", "")
    decimals = len(number.partition(".")[2])
    tolerance = 0 if unit == 1 and not decimals else round(unit * 0.5 * 10**-decimals)
    return round(float(number) * unit), tolerance
