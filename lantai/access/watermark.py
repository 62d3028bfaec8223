"""Watermarks on delivered copies (architecture §5 flow 4; standards §9 "溯源到人").

Every copy that leaves the archive names the archive, the viewer (username, or ``公众`` for an
anonymous user: the caller decides) and the time, so a leaked copy can be traced to a delivery.

Decisions recorded here:

- Images are never delivered as masters: :func:`watermark_image` scales down to ``max_side``
  (capped at ``MAX_SIDE_LIMIT``), applies the EXIF orientation and drops all metadata (EXIF may
  carry GPS positions or the scanner operator). Large images are served as such scaled
  derivatives; deep zoom tiles, when the IIIF viewer needs them, are cut from a derivative too.
- The text is tiled diagonally, semi-transparent, in dark and light strokes so that it shows on
  both light and dark images. The font is the first CJK font found in the usual places
  (``LANTAI_WATERMARK_FONT`` overrides); without one Pillow's default font is used with a
  warning: the watermark then shows boxes for Chinese characters but the copy is still marked.
- PDFs are stamped with an image, not with text: the watermark is rendered by Pillow into an
  image XObject with a soft mask (alpha) and drawn over each page's content with pypdf. Text
  would need a CJK font embedded as a CID font (reportlab is not a dependency, and pypdf cannot
  subset fonts), and an image stamp cannot be removed by deleting a text run, nor does it add
  words to the PDF's text layer. Encrypted PDFs are refused rather than delivered unstamped.
- A PDF copy is rebuilt, never cloned: a new document receives each page's content and
  resources and nothing else. What a reviewer never saw does not travel with the copy: the
  document catalogue (embedded files, JavaScript, OpenAction and AA actions, AcroForm fields,
  outlines, structure tree with its alternate texts), the Info dictionary and XMP metadata
  (author, software, former titles), page annotations (comments, form widgets, links with
  actions, file attachments), page-level actions and metadata, and the metadata and private
  data of the images and forms a page draws. Earlier revisions of an incrementally saved file
  disappear too, since only what the pages reach is written.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import warnings
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from lantai.access.pdfpages import Box, mask_image
from lantai.env import env_str

log = logging.getLogger(__name__)

MAX_SIDE_LIMIT = 4096
OPACITY = 0.28
ANGLE = 30
STAMP_MAX_PIXELS = 1800  # longest side of the PDF stamp image
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


class WatermarkError(ValueError):
    """A copy cannot be watermarked (so it must not be delivered)."""


def watermark_label(*, viewer: str, when: datetime, archive: str) -> str:
    """The one line every watermark carries."""
    viewer = " ".join(viewer.split()) or "公众"
    return f"{' '.join(archive.split())} · {viewer} · {when:%Y-%m-%d %H:%M}"


# --- fonts -----------------------------------------------------------------------------------


def find_cjk_font() -> str | None:
    """Path of a CJK font: ``LANTAI_WATERMARK_FONT``, else the first usual location present."""
    override = env_str("LANTAI_WATERMARK_FONT", "")
    for candidate in (override, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = find_cjk_font()
    # In a .ttc collection prefer the Simplified Chinese face (index 2 in Noto CJK).
    for index in (2, 0) if path else ():
        try:
            font = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            continue
        if index == 0 or "SC" in " ".join(name or "" for name in font.getname()):
            return font
    message = "未找到可用的中文字体，水印改用 Pillow 默认字体（中文可能显示为方框）"
    warnings.warn(message, RuntimeWarning, stacklevel=3)
    log.warning(message)
    return ImageFont.load_default(size=size)


# --- the watermark layer ---------------------------------------------------------------------


def watermark_layer(size: tuple[int, int], label: str) -> Image.Image:
    """A transparent RGBA layer of ``size`` with ``label`` tiled diagonally across it.

    The label is drawn and rotated once; copies are then laid on a lattice turned by the same
    angle (rows ``5 × text height`` apart, every other row shifted by half a label), so the
    lines run parallel and evenly spaced whatever the aspect ratio. Rotating one small tile
    instead of a canvas the size of the image keeps this at a few milliseconds.
    """
    width, height = size
    tile, text_w, text_h = _label_tile(label, max(12, round(min(width, height) / 28)))
    tile = tile.rotate(ANGLE, expand=True, resample=Image.Resampling.BICUBIC)
    pitch, line = text_w + 2 * text_h, 5 * text_h
    theta = math.radians(ANGLE)
    along_x, along_y = math.cos(theta), -math.sin(theta)  # image y grows downwards
    reach = math.hypot(width, height) / 2
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    for j in range(-math.ceil(reach / line) - 1, math.ceil(reach / line) + 2):
        shift = (j % 2) * pitch / 2
        for i in range(-math.ceil(reach / pitch) - 1, math.ceil(reach / pitch) + 2):
            along, across = i * pitch + shift, j * line
            x = round(width / 2 + along * along_x - across * along_y - tile.width / 2)
            y = round(height / 2 + along * along_y + across * along_x - tile.height / 2)
            if x < width and y < height and x + tile.width > 0 and y + tile.height > 0:
                # alpha_composite takes no negative destination: crop the tile's source instead.
                dest, source = (max(x, 0), max(y, 0)), (max(-x, 0), max(-y, 0))
                layer.alpha_composite(tile, dest=dest, source=source)
    return layer


def _label_tile(label: str, font_size: int) -> tuple[Image.Image, int, int]:
    """The label, level, dark with a light outline (legible on light and dark areas)."""
    font = _font(font_size)
    left, top, right, bottom = (int(v) for v in font.getbbox(label))
    text_w, text_h = right - left, bottom - top
    pad = max(2, text_h // 6)
    tile = Image.new("RGBA", (text_w + 2 * pad, text_h + 2 * pad), (0, 0, 0, 0))
    alpha = round(255 * OPACITY)
    ImageDraw.Draw(tile).text(
        (pad - left, pad - top),
        label,
        font=font,
        fill=(60, 60, 60, alpha),
        stroke_width=max(1, text_h // 12),
        stroke_fill=(255, 255, 255, alpha // 2),
    )
    return tile, text_w, text_h


# --- images ----------------------------------------------------------------------------------


def watermark_image(
    src: Path | bytes,
    *,
    viewer: str,
    when: datetime,
    archive: str,
    max_side: int = 1600,
    format: str | None = None,
    regions: Sequence[Box] = (),
) -> bytes:
    """A scaled, watermarked derivative of ``src`` as JPEG (or PNG for images with alpha).

    ``format`` forces ``"JPEG"`` or ``"PNG"``. Metadata is not copied to the derivative.
    ``regions`` are painted over before scaling (see :mod:`lantai.access.pdfpages`).
    """
    if not 16 <= max_side <= MAX_SIDE_LIMIT:
        raise WatermarkError(f"max_side 应在 16 到 {MAX_SIDE_LIMIT} 之间（不提供原图）")
    if format is not None and format.upper() not in ("JPEG", "PNG"):
        raise WatermarkError(f"不支持的输出格式「{format}」：应为 JPEG 或 PNG")
    image = _open_image(src, max_side)
    if regions:
        mask_image(image, regions)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    out_format = (format or ("PNG" if has_alpha else "JPEG")).upper()
    image = image.convert("RGBA")
    image.alpha_composite(
        watermark_layer(image.size, watermark_label(viewer=viewer, when=when, archive=archive))
    )
    buffer = io.BytesIO()
    if out_format == "PNG":
        image.save(buffer, "PNG")
    else:
        image.convert("RGB").save(buffer, "JPEG", quality=85, progressive=True)
    return buffer.getvalue()


def _open_image(src: Path | bytes, max_side: int) -> Image.Image:
    """Open and decode ``src`` (a JPEG is decoded at reduced scale when that is enough)."""
    try:
        opened = Image.open(io.BytesIO(src) if isinstance(src, bytes) else src)
        opened.draft("RGB", (max_side, max_side))  # JPEG only: decode at 1/2, 1/4, 1/8 scale
        image: Image.Image = ImageOps.exif_transpose(opened)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise WatermarkError(f"无法读取图像：{error}") from error
    except Image.DecompressionBombError as error:  # not a ValueError
        raise WatermarkError(f"图像像素过多，拒绝处理：{error}") from error
    if image.mode.startswith("I"):  # 16/32-bit greyscale masters: scale down, do not clip
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    return image


# --- PDF -------------------------------------------------------------------------------------


def watermark_pdf(src: Path | bytes, *, viewer: str, when: datetime, archive: str) -> bytes:
    """``src`` with the watermark image drawn over every page; the page count is unchanged."""
    reader = _open_pdf(src)
    label = watermark_label(viewer=viewer, when=when, archive=archive)
    try:
        writer = _rebuilt(reader)
        stamps: dict[tuple[int, int], PageObject] = {}
        for page in writer.pages:
            box = page.cropbox
            size = (max(1, round(float(box.width))), max(1, round(float(box.height))))
            if size not in stamps:  # one stamp per page size, shared by all pages of that size
                stamps[size] = _stamp_page(writer, size, label)
            move = Transformation().translate(float(box.left), float(box.bottom))
            page.merge_transformed_page(stamps[size], move, over=True)
            page.compress_content_streams()  # merging leaves the page content uncompressed
        writer.metadata = None  # no Info dictionary at all (not even pypdf's /Producer)
        buffer = io.BytesIO()
        writer.write(buffer)
    except Exception as error:  # pypdf raises many kinds on damaged files; none may pass unstamped
        raise WatermarkError(f"PDF 文件已损坏，无法加水印：{error}") from error
    return buffer.getvalue()


# Page keys that are not the page's reviewed content (ISO 32000-1 table 30): actions,
# annotations (comments, form widgets, attachments, links), metadata, private application data,
# article beads, thumbnails, and references into the dropped structure tree.
PAGE_KEYS_DROPPED = (
    "/Annots",
    "/AA",
    "/Metadata",
    "/PieceInfo",
    "/B",
    "/Thumb",
    "/StructParents",
    "/ID",
    "/PZ",
    "/SeparationInfo",
    "/Tabs",
    "/TemplateInstantiated",
    "/PresSteps",
    "/Trans",
    "/Dur",
    "/VP",
)
# Keys dropped from every image and form XObject a page draws (recursively).
XOBJECT_KEYS_DROPPED = ("/Metadata", "/PieceInfo", "/OPI", "/StructParent", "/StructParents")


def _rebuilt(reader: PdfReader) -> PdfWriter:
    """A new document holding only the pages' content and resources (see the module notes)."""
    writer = PdfWriter()
    for page in reader.pages:
        added = writer.add_page(page, excluded_keys=PAGE_KEYS_DROPPED)
        _strip_resources(added.get("/Resources"), set())
    return writer


def _strip_resources(resources: PdfObject | None, seen: set[int]) -> None:
    """Drop metadata keys from the XObjects of ``resources`` and of the forms they draw."""
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return
    seen.add(id(resources))
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return
    for name in list(xobjects):
        xobject = xobjects[name].get_object()
        if not isinstance(xobject, DictionaryObject):
            continue
        for key in XOBJECT_KEYS_DROPPED:
            xobject.pop(NameObject(key), None)
        _strip_resources(xobject.get("/Resources"), seen)


def _open_pdf(src: Path | bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(src) if isinstance(src, bytes) else src)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:  # see watermark_pdf
        raise WatermarkError(f"无法读取 PDF 文件（文件已损坏或不是 PDF）：{error}") from error
    if encrypted:
        raise WatermarkError("PDF 文件已加密，无法加水印；请先由档案员提供未加密的利用副本")
    if pages == 0:
        raise WatermarkError("PDF 文件没有页面，无法加水印")
    return reader


def _stamp_page(writer: PdfWriter, size: tuple[int, int], label: str) -> PageObject:
    """A page of ``size`` points showing the watermark layer as one image XObject."""
    width, height = size
    scale = min(1.5, STAMP_MAX_PIXELS / max(width, height))  # ~108 dpi, capped
    layer = watermark_layer((max(1, round(width * scale)), max(1, round(height * scale))), label)
    stamp = PageObject.create_blank_page(width=width, height=height)
    name = NameObject("/LantaiWatermark")
    stamp[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({name: _image_xobject(writer, layer)})}
    )
    content = DecodedStreamObject()
    content.set_data(f"q {width} 0 0 {height} 0 0 cm {name} Do Q".encode("ascii"))
    # pypdf 7 has no public way to add an indirect object; _add_object is what its docs use.
    stamp[NameObject("/Contents")] = writer._add_object(content)
    return stamp


def _image_xobject(writer: PdfWriter, layer: Image.Image) -> IndirectObject:
    """The RGBA layer as a DeviceGray image with its alpha as soft mask (the ink is all grey)."""

    def gray_image(channel: Image.Image, extra: dict) -> IndirectObject:
        stream = DecodedStreamObject()
        stream.set_data(channel.tobytes())
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(channel.width),
                NameObject("/Height"): NumberObject(channel.height),
                NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                NameObject("/BitsPerComponent"): NumberObject(8),
                **extra,
            }
        )
        return writer._add_object(stream.flate_encode(level=9))

    mask = gray_image(layer.getchannel("A"), {})
    return gray_image(layer.getchannel("R"), {NameObject("/SMask"): mask})


# --- plain text ------------------------------------------------------------------------------


def watermark_text(text: str, *, viewer: str, when: datetime, archive: str) -> str:
    """``text`` between a header and a footer naming the archive, the viewer and the time."""
    label = watermark_label(viewer=viewer, when=when, archive=archive)
    header = f"【{label}】本件为利用副本"
    footer = f"【{label}】本副本仅供利用者本人使用，引用请注明出处"
    rule = "—" * 20
    return f"{header}\n{rule}\n{text.rstrip()}\n{rule}\n{footer}\n"
