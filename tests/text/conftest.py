"""Fixtures for the text pipeline tests: files made here, never third-party text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest


def shared_data(name: str) -> Path:
    """Path under ../shared/data (found from a worktree too), or skip the test with a clear
    message — but fail under ``CI=true``, where the data is provided."""
    from tests.ingest.builders import require_shared_data

    return require_shared_data(name)


def make_text_pdf(text: str, encrypt_with: str | None = None) -> bytes:
    """A one-page PDF whose text layer holds ASCII ``text`` (Helvetica)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if encrypt_with:
        writer.encrypt(encrypt_with)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cjk_font(size: int):
    """A CJK TrueType font from the system, or skip."""
    pytest.importorskip("PIL")
    from PIL import ImageFont

    for candidate in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ):
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    return None


def render_lines(lines: list[str], size: int = 40, vertical: bool = False) -> bytes:
    """PNG bytes of ``lines`` drawn in black on white, horizontally or as vertical columns."""
    from PIL import Image, ImageDraw

    font = cjk_font(size)
    step = int(size * 1.5)
    longest = max(len(line) for line in lines)
    if vertical:
        width, height = step * len(lines) + 2 * size, step * longest + 2 * size
    else:
        width, height = size * longest + 2 * size, step * len(lines) + 2 * size
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        if vertical:
            x = width - size * 2 - index * step
            for row, char in enumerate(line):
                draw.text((x, size + row * int(size * 1.2)), char, font=font, fill=0)
        else:
            draw.text((size, size + index * step), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
