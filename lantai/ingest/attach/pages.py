"""Pages of scanned files, and what an archivist checks about them (DA/T 31). Plain Python
apart from reading the records' 页数.

- A JPEG or PNG is one page, a TIFF one page per frame, a PDF its page count; an OFD or a file
  that cannot be read counts as none here (3-4 has already judged whether it opens).
- DA/T 31-2017 asks for at least 200 dpi; a scan that declares less is named. A scan that
  declares no resolution is not (many scanners omit it; its pixel size is in the package).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image

from lantai.sip.submission import SubmittedFile, SubmittedItem

MIN_DPI = 200


def pages_of(file: SubmittedFile) -> int:
    """How many pages ``file`` holds (0 when it cannot be counted)."""
    suffix = file.basename.rsplit(".", 1)[-1].lower()
    try:
        if suffix == "pdf":
            from pypdf import PdfReader

            return len(PdfReader(file.path).pages)
        with Image.open(file.path) as image:
            return int(getattr(image, "n_frames", 1))
    except Exception:
        return 0


def pages_in(files: Sequence[SubmittedFile]) -> int:
    return sum(pages_of(f) for f in files)


def low_resolution(file: SubmittedFile) -> float | None:
    """The declared resolution of an image scanned below :data:`MIN_DPI`, else None."""
    try:
        with Image.open(file.path) as image:
            dpi = image.info.get("dpi")
    except Exception:
        return None
    if not dpi:
        return None
    lowest = float(min(dpi))
    return lowest if 0 < lowest < MIN_DPI else None


def page_warnings(
    items: Sequence[SubmittedItem], pages: Sequence[int], records: Mapping[str, Any]
) -> list[str]:
    """警告 lines: 页数 that differ from the pages attached, scans below 200 dpi."""
    warnings = []
    for item, count in zip(items, pages, strict=True):
        record = records.get(item.ref_code or "")
        registered = getattr(record, "pages", None)
        if registered and count and registered != count:
            warnings.append(
                f"警告：档号 {item.ref_code} 著录页数为 {registered}，本次挂接 {count} 页："
                "请核对是否漏扫、重扫或空白页未扫（页数未改动）"
            )
        for f in item.files:
            dpi = low_resolution(f)
            if dpi is not None:
                warnings.append(
                    f"警告：文件「{f.name}」扫描分辨率为 {dpi:.0f} dpi，低于 DA/T 31 要求的 "
                    f"{MIN_DPI} dpi"
                )
    return warnings
