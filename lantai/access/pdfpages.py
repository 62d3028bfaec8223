"""Pages as images, and masked rectangles burnt into them (区域遮蔽 of images and PDF pages).

A region is a rectangle ``(left, top, right, bottom)`` in fractions of the page as it is shown
(after EXIF orientation for an image, after ``/Rotate`` and the crop box for a PDF page), so a
rectangle drawn on the reviewer's screen means the same area at every size it is delivered in.

Decisions recorded here:

- **A masked area is gone, not covered.** Pixels inside a region are painted over in the image
  itself before it is scaled, watermarked or encoded; no layer, annotation or drawing over the
  page content is involved, which a reader could remove. Edges are rounded outwards (floor of
  the start, ceiling of the end) so no sliver of the masked content survives at any scale.
- **A masked PDF page is re-rendered as an image** with pdfium (the engine of Chrome's PDF
  viewer), masked and put back as an image-only page of the same size. Drawing a black box over
  a PDF page leaves the text and images under it in the file, where any PDF tool extracts them;
  an image page carries nothing but what is shown. Its text layer is lost: the public reads that
  page's text as the (masked) extracted text on the record's page.
- ``rasterise_all`` renders every page, masked or not: the caller asks for it when the record
  has masked words, which the text layer of an unmasked page would otherwise still carry.
- Rendering is bounded: the longer side of a rendered page is ``RENDER_SIDE`` pixels (about
  240 dpi on A4), whatever size the page declares.
- This module stays Django-free (Pillow, pypdf, pypdfium2 only).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

Box = tuple[float, float, float, float]  # left, top, right, bottom; fractions of the page
FILL = (0, 0, 0)
RENDER_SIDE = 2000


class PageError(ValueError):
    """The page cannot be rendered or masked (damaged, encrypted, no such page)."""


def mask_image(image: Image.Image, boxes: Iterable[Box]) -> Image.Image:
    """``image`` with every box painted over (in place, and returned)."""
    width, height = image.size
    draw = ImageDraw.Draw(image)
    fill: tuple[int, ...] | int = FILL
    if image.mode in ("L", "LA"):
        fill = 0 if image.mode == "L" else (0, 255)
    elif image.mode == "RGBA":
        fill = (*FILL, 255)
    for left, top, right, bottom in boxes:
        x0, y0 = math.floor(left * width), math.floor(top * height)
        x1, y1 = math.ceil(right * width), math.ceil(bottom * height)
        # ImageDraw's rectangle includes its end pixel: x1 - 1 is the last covered column.
        draw.rectangle((x0, y0, max(x0, x1 - 1), max(y0, y1 - 1)), fill=fill)
    return image


def pdf_page_count(src: Path | bytes) -> int:
    """Number of pages of a PDF (:class:`PageError` when it cannot be read)."""
    document = _document(src)
    try:
        return len(document)
    finally:
        document.close()


def render_page(src: Path | bytes, number: int, max_side: int = RENDER_SIDE) -> Image.Image:
    """Page ``number`` (1-based) of a PDF as an RGB image whose longer side is ``max_side``."""
    document = _document(src)
    try:
        if not 1 <= number <= len(document):
            raise PageError(f"PDF 只有 {len(document)} 页，没有第 {number} 页")
        return _render(document[number - 1], max_side)
    finally:
        document.close()


def redact_pdf(
    src: Path | bytes, boxes: Mapping[int, Sequence[Box]], *, rasterise_all: bool = False
) -> bytes:
    """The PDF with each page in ``boxes`` (1-based numbers) re-rendered as a masked image.

    Pages not named stay as they are unless ``rasterise_all``. A page number beyond the
    document is refused: the regions were drawn on another file.
    """
    document = _document(src)
    try:
        total = len(document)
        beyond = sorted(n for n in boxes if not 1 <= n <= total)
        if beyond:
            raise PageError(f"遮蔽区域所在的第 {beyond[0]} 页不存在（文件共 {total} 页）")
        reader = PdfReader(io.BytesIO(src) if isinstance(src, bytes) else src)
        writer = PdfWriter()
        for index, page in enumerate(reader.pages):
            number = index + 1
            if number in boxes or rasterise_all:
                pdfium_page = document[index]
                width, height = pdfium_page.get_size()  # points, as shown (rotation applied)
                image = mask_image(_render(pdfium_page, RENDER_SIDE), boxes.get(number, ()))
                # Scaled once in the writer (pypdf rewrites contents only of a writer's page).
                writer.add_page(_image_page(image, width)).scale_to(width, height)
            else:
                writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
    except PageError:
        raise
    except Exception as error:  # pypdf and pdfium raise many kinds on damaged files
        raise PageError(f"PDF 文件已损坏，无法遮蔽：{error}") from error
    finally:
        document.close()
    return buffer.getvalue()


def _document(src: Path | bytes):
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(src if isinstance(src, bytes) else str(src))
    except pypdfium2.PdfiumError as error:
        raise PageError(f"无法读取 PDF 文件（文件已损坏、已加密或不是 PDF）：{error}") from error


def _render(page, max_side: int) -> Image.Image:
    width, height = page.get_size()
    scale = max_side / max(width, height, 1)
    image: Image.Image = page.render(scale=scale, may_draw_forms=False).to_pil()
    return image.convert("RGB")


def _image_page(image: Image.Image, width: float):
    """A page showing ``image`` at ``width`` points wide (its height follows the image)."""
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=72 * image.width / width, quality=85)
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
