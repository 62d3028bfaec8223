"""tesseract (tesserocr) backend of :mod:`lantai.text.ocr` (see there for the design)."""

from __future__ import annotations

import functools
import glob
import os
from typing import TYPE_CHECKING, Any

from lantai.text.result import OcrLine

if TYPE_CHECKING:  # Pillow comes with the OCR extra
    from PIL.Image import Image

_HORIZONTAL = "chi_sim+chi_tra"
_VERTICAL = "chi_sim_vert+chi_tra_vert"


def _tessdata() -> str | None:
    """Debian installs the data outside tesserocr's compiled-in default path."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    found = sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    return found[0] if found else None


@functools.cache
def _api(lang: str, psm: int) -> Any:  # a tesserocr.PyTessBaseAPI (tesserocr is untyped)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tesserocr

    path = _tessdata()
    if path:
        return tesserocr.PyTessBaseAPI(path=path, lang=lang, psm=psm)
    return tesserocr.PyTessBaseAPI(lang=lang, psm=psm)


def load() -> None:
    """Load both the horizontal and the vertical models now."""
    import tesserocr

    _api(_HORIZONTAL, tesserocr.PSM.AUTO)
    _api(_VERTICAL, tesserocr.PSM.SINGLE_BLOCK_VERT_TEXT)


def recognise(
    image: Image, page: int, remaining: float, vertical: bool | None = None
) -> list[OcrLine]:
    """Lines of one page; ``vertical=None`` tries horizontal then vertical when little is found."""
    if vertical is None:
        lines = _recognise(image, page, remaining, False)
        text_len = sum(len(line.text) for line in lines)
        mean_conf = sum(line.confidence for line in lines) / max(1, len(lines))
        if text_len and mean_conf >= 0.6:
            return lines
        return _recognise(image, page, remaining, True) or lines
    return _recognise(image, page, remaining, vertical)


def _recognise(image: Image, page: int, remaining: float, vertical: bool) -> list[OcrLine]:
    import tesserocr

    lang, psm = (
        (_VERTICAL, tesserocr.PSM.SINGLE_BLOCK_VERT_TEXT)
        if vertical
        else (_HORIZONTAL, tesserocr.PSM.AUTO)
    )
    api = _api(lang, psm)
    api.SetImage(image)
    if not api.Recognize(int(max(1.0, remaining) * 1000)):
        return []
    lines: list[OcrLine] = []
    iterator = api.GetIterator()
    level = tesserocr.RIL.TEXTLINE
    for item in tesserocr.iterate_level(iterator, level):
        text = (item.GetUTF8Text(level) or "").strip()
        box = item.BoundingBox(level)
        if text and box:
            text = text.replace(" ", "") if _mostly_han(text) else text
            conf = item.Confidence(level) / 100.0
            lines.append(OcrLine(page, len(lines) + 1, text, tuple(box), round(conf, 4), vertical))
    return lines


def _mostly_han(text: str) -> bool:
    han = sum("\u3400" <= c <= "\u9fff" for c in text)
    return han >= len(text.replace(" ", "")) / 2
