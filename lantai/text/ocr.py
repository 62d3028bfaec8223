"""Offline OCR of printed Simplified and Traditional Chinese, horizontal and vertical (issue 4,
step 7).

Engines (both optional; the core pipeline works without them):

* **rapidocr** 3.x (PP-OCR models inside the wheel, onnxruntime), the default: best accuracy on
  Chinese print in our evaluation. The angle classifier is off (architecture §11): archives scan
  upright pages and the classifier costs time and flips some short lines.
* **tesseract** via tesserocr with Debian's ``chi_sim``/``chi_tra`` (+ ``_vert``) data, the
  second engine; ``OMP_THREAD_LIMIT=1`` is set before it loads because its OpenMP threads fight
  with ingest's own parallelism.

Nothing is downloaded at run time. A missing engine gives empty text with a reason.

**Vertical text.** PP-OCR recognises horizontal lines only. When most detected boxes on a page
are tall and narrow, the page is vertical: each column is cut into square cells (CJK glyphs are
square) which are laid side by side into a horizontal strip and recognised; columns are read
right to left. Tesseract uses its ``_vert`` models with page segmentation mode 5 instead.

**Time limits.** Each file has one budget (``timeout``, ``LANTAI_OCR_TIMEOUT`` in the
pipeline); a page may use whatever is left of it. Pages are recognised in a persistent worker
process (:mod:`lantai.text._ocr_worker`) that is killed when a page runs past the budget, since
neither onnxruntime nor tesseract can be interrupted from Python; the result then keeps the
pages done so far and the reason names the page that was stopped; the next page or file gets a
fresh worker (models load again, about a second). Tesseract also receives the remaining budget
as its own recognition timeout and may stop itself first: a page that ends with the budget
spent is reported as stopped either way. Pages larger
than ``_MAX_SIDE`` pixels are scaled down (the scale is recorded so positions can be mapped
back) and images over ``_MAX_PIXELS`` are refused before decoding (no decompression bombs).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from lantai.text import _ocr_worker, limits
from lantai.text.result import OcrLine

if TYPE_CHECKING:  # Pillow comes with the OCR extra, imported where it is used
    from PIL.Image import Image

DEFAULT_TIMEOUT = limits.DEFAULT_OCR_TIMEOUT
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
    wanted = engine or limits.ocr_engine()
    available = available_engines()
    if wanted:
        return wanted if wanted in available else None
    return available[0] if available else None


def load_image(data: bytes) -> Image:
    """Open image bytes as an RGB PIL image, refusing oversized images before decoding."""
    from PIL import Image

    opened = Image.open(io.BytesIO(data))
    width, height = opened.size
    if width * height > _MAX_PIXELS:
        raise ValueError(f"image of {width}×{height} pixels is over the OCR limit")
    image = opened.convert("RGB")
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
            out.reason = _stopped(page, timeout)
            break
        try:
            # What _recognise_page returns in the worker, unpickled here.
            lines = _in_worker("_recognise_page", (name, data, page, remaining), remaining)
            out.lines.extend(cast(list[OcrLine], lines))
            if time.monotonic() >= deadline:  # tesseract gave up by itself at the limit
                raise TimeoutError
        except TimeoutError:
            out.reason = _stopped(page, timeout)
            break
        except Exception as error:  # one bad page must not lose the others
            out.reason = f"page {page}: {type(error).__name__}: {error}"[:200]
    out.text = "\n".join(line.text for line in out.lines)
    if not out.text and out.reason is None:
        out.reason = "no text recognised in the image"
    return out


def _stopped(page: int, timeout: float) -> str:
    return f"OCR stopped at page {page}: time limit of {timeout:g} s reached (LANTAI_OCR_TIMEOUT)"


def _in_worker(function: str, args: tuple[object, ...], timeout: float) -> object:
    """Call a function of this module in the OCR worker process."""
    return _ocr_worker.call(f"{__name__}:{function}", args, timeout)


def preload(engine: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> float:
    """Start the worker and load the engine's models; the seconds it took (0 if no engine).

    Loading is paid once per worker, so benchmarks time it apart from pages and a long batch
    can pay it up front.
    """
    name = _engine_name(engine)
    if name is None:
        return 0.0
    start = time.perf_counter()
    _in_worker("_load", (name,), timeout)
    return time.perf_counter() - start


def recognise_image(
    data: bytes, engine: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Recognised:
    """OCR a single image (page 1)."""
    return recognise_pages([(1, data)], engine=engine, timeout=timeout)


def _load(name: str) -> None:
    """In the worker: load the models of engine ``name``."""
    if name == "tesseract":
        from lantai.text import ocr_tesseract

        ocr_tesseract.load()
        return
    from lantai.text import ocr_rapid

    ocr_rapid.load()


def _recognise_page(name: str, data: bytes, page: int, remaining: float) -> list[OcrLine]:
    """In the worker: decode one page image and recognise it."""
    return _run(name, load_image(data), page, remaining)


def _run(name: str, image: Image, page: int, remaining: float) -> list[OcrLine]:
    if name == "tesseract":
        from lantai.text import ocr_tesseract

        return ocr_tesseract.recognise(image, page, remaining)
    from lantai.text import ocr_rapid

    return ocr_rapid.recognise(image, page)
