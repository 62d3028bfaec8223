"""Offline OCR of printed Simplified and Traditional Chinese, horizontal and vertical (issue 4,
step 7).

Engines (both optional; the core pipeline works without them):

* **rapidocr** 3.x (PP-OCR models inside the wheel, onnxruntime), the default: best accuracy on
  Chinese print in our evaluation. The angle classifier is off (DESIGN §11): archives scan
  upright pages and the classifier costs time and flips some short lines.
* **tesseract** via tesserocr with Debian's ``chi_sim``/``chi_tra`` (+ ``_vert``) data, the
  second engine; ``OMP_THREAD_LIMIT=1`` is set before it loads because its OpenMP threads fight
  with ingest's own parallelism.

Nothing is downloaded at run time. A missing engine gives empty text with a reason.

**Vertical text.** PP-OCR recognises horizontal lines only. When most detected boxes on a page
are tall and narrow, the page is vertical: each column is cut into square cells (CJK glyphs are
square) which are laid side by side into a horizontal strip and recognised; columns are read
right to left. Tesseract uses its ``_vert`` models with page segmentation mode 5 instead.

**Time limits.** Pages larger than ``_MAX_SIDE`` pixels are scaled down (the scale is recorded
so positions can be mapped back), images over ``_MAX_PIXELS`` are refused before decoding (no
decompression bombs), and a time budget is checked between pages; tesseract also receives the
remaining budget as its own recognition timeout.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field

from lantai.text.result import OcrLine

DEFAULT_TIMEOUT = 120.0
_MAX_PIXELS = 80_000_000
_MAX_SIDE = 4000
_VERTICAL_ASPECT = 1.5


@dataclass(slots=True)
class Recognised:
    """OCR output for one or more pages."""

    text: str = ""
    lines: list[OcrLine] = field(default_factory=list)
    engine: str | None = None
    reason: str | None = None


def available_engines() -> list[str]:
    """Engines importable here, preferred first."""
    engines = []
    try:
        import rapidocr  # noqa: F401

        engines.append("rapidocr")
    except ImportError:
        pass
    try:
        import tesserocr  # noqa: F401

        engines.append("tesseract")
    except ImportError:
        pass
    return engines


def _engine_name(engine: str | None) -> str | None:
    wanted = engine or os.environ.get("LANTAI_OCR_ENGINE")
    available = available_engines()
    if wanted:
        return wanted if wanted in available else None
    return available[0] if available else None


def load_image(data: bytes):
    """Open image bytes as an RGB PIL image, refusing oversized images before decoding."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    width, height = image.size
    if width * height > _MAX_PIXELS:
        raise ValueError(f"image of {width}×{height} pixels is over the OCR limit")
    image = image.convert("RGB")
    scale = min(1.0, _MAX_SIDE / max(width, height))
    if scale < 1.0:
        image = image.resize((int(width * scale), int(height * scale)))
    return image


def recognise_pages(
    images: list[tuple[int, bytes]], engine: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Recognised:
    """OCR ``(page_number, image_bytes)`` pairs; never raises."""
    name = _engine_name(engine)
    if name is None:
        return Recognised(reason="no OCR engine installed (pip install rapidocr onnxruntime)")
    try:
        from PIL import Image  # noqa: F401
    except ImportError:
        return Recognised(reason="Pillow is not installed, images cannot be read")
    out = Recognised(engine=name)
    deadline = time.monotonic() + timeout
    for page, data in images:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            out.reason = f"OCR stopped at page {page}: time limit of {timeout:.0f} s reached"
            break
        try:
            image = load_image(data)
            out.lines.extend(_run(name, image, page, remaining))
        except Exception as error:  # one bad page must not lose the others
            out.reason = f"page {page}: {type(error).__name__}: {error}"[:200]
    out.text = "\n".join(line.text for line in out.lines)
    if not out.text and out.reason is None:
        out.reason = "no text recognised in the image"
    return out


def recognise_image(data: bytes, engine: str | None = None, timeout: float = DEFAULT_TIMEOUT):
    """OCR a single image (page 1)."""
    return recognise_pages([(1, data)], engine=engine, timeout=timeout)


def _run(name: str, image, page: int, remaining: float) -> list[OcrLine]:
    if name == "tesseract":
        from lantai.text import ocr_tesseract

        return ocr_tesseract.recognise(image, page, remaining)
    from lantai.text import ocr_rapid

    return ocr_rapid.recognise(image, page)
