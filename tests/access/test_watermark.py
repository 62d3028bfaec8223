"""Watermarked delivery copies (lantai.access.watermark): scaled, marked, traceable."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from PIL import Image, ImageChops
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from lantai.access import watermark
from lantai.access.watermark import (
    WatermarkError,
    watermark_image,
    watermark_label,
    watermark_pdf,
    watermark_text,
)

WHEN = datetime(2025, 3, 1, 9, 30)
STAMP = {"viewer": "zhangsan", "when": WHEN, "archive": "兰台区档案馆"}


def image_bytes(size=(1200, 800), mode="RGB", color=(235, 228, 210), fmt="JPEG", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def pdf_bytes(pages=3, text="Lantai archive copy", encrypt=None) -> bytes:
    writer = PdfWriter()
    for number in range(pages):
        page = PageObject.create_blank_page(width=595 if number % 2 else 842, height=842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 24 Tf 72 720 Td ({text} {number}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(content)
        writer.add_page(page)
    if encrypt:
        writer.encrypt(encrypt)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_the_label_names_archive_viewer_and_time():
    assert watermark_label(**STAMP) == "兰台区档案馆 · zhangsan · 2025-03-01 09:30"
    assert (
        watermark_label(viewer="  ", when=WHEN, archive="兰台") == "兰台 · 公众 · 2025-03-01 09:30"
    )


def test_an_image_is_delivered_scaled_below_max_side_and_never_as_the_master():
    out = Image.open(io.BytesIO(watermark_image(image_bytes((3000, 2000)), **STAMP, max_side=600)))
    assert max(out.size) <= 600
    assert out.size == (600, 400)
    assert out.format == "JPEG"


def test_the_watermark_shows_along_the_diagonal():
    src = image_bytes((900, 900), color=(240, 240, 240), fmt="PNG")
    out = Image.open(io.BytesIO(watermark_image(src, **STAMP, max_side=900))).convert("L")
    plain = Image.open(io.BytesIO(src)).convert("L")
    diff = ImageChops.difference(out, plain)
    diagonal = [diff.getpixel((i, i)) for i in range(0, 900, 3)]
    assert sum(1 for d in diagonal if d > 15) >= 10  # text crosses the diagonal many times
    marked = sum(diff.histogram()[16:]) / (900 * 900)
    assert 0.02 < marked < 0.5  # present everywhere, yet the page stays readable


def test_the_watermark_also_shows_on_a_dark_image():
    src = image_bytes((400, 400), color=(20, 20, 20), fmt="PNG")
    out = Image.open(io.BytesIO(watermark_image(src, **STAMP, max_side=400))).convert("L")
    assert out.getextrema()[1] > 50


def test_an_image_with_transparency_stays_png():
    out = watermark_image(image_bytes((300, 200), "RGBA", (0, 0, 0, 0), "PNG"), **STAMP)
    assert Image.open(io.BytesIO(out)).format == "PNG"


def test_metadata_of_the_master_is_not_copied():
    exif = Image.Exif()
    exif[0x010F] = "ScannerMaker"  # Make
    src = image_bytes((500, 400), exif=exif.tobytes())
    out = Image.open(io.BytesIO(watermark_image(src, **STAMP)))
    assert not out.getexif()


def test_the_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = Image.open(
        io.BytesIO(watermark_image(image_bytes((400, 200), exif=exif.tobytes()), **STAMP))
    )
    assert out.size == (200, 400)


@pytest.mark.parametrize("max_side", [0, 8, 10_000])
def test_an_unreasonable_max_side_is_refused(max_side):
    with pytest.raises(WatermarkError, match="max_side"):
        watermark_image(image_bytes(), **STAMP, max_side=max_side)


def test_an_unreadable_image_raises_watermark_error():
    with pytest.raises(WatermarkError, match="无法读取图像"):
        watermark_image(b"not an image", **STAMP)


def test_without_a_cjk_font_the_default_font_is_used_with_a_warning(monkeypatch):
    monkeypatch.setattr(watermark, "FONT_CANDIDATES", ())
    monkeypatch.delenv("LANTAI_WATERMARK_FONT", raising=False)
    watermark._font.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="未找到可用的中文字体"):
            out = watermark_image(image_bytes((300, 200)), **STAMP)
    finally:
        watermark._font.cache_clear()
    assert Image.open(io.BytesIO(out)).size == (300, 200)


def test_every_pdf_page_gets_the_stamp_and_the_page_count_is_kept():
    src = pdf_bytes(pages=3)
    reader = PdfReader(io.BytesIO(watermark_pdf(src, **STAMP)))
    assert len(reader.pages) == 3
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        images = [xobjects[name].get_object() for name in xobjects]
        assert any(image["/Subtype"] == "/Image" and "/SMask" in image for image in images)
        assert b" Do" in page.get_contents().get_data()
    assert "Lantai archive copy 2" in reader.pages[2].extract_text()


def test_an_encrypted_pdf_is_refused_with_a_clear_error():
    with pytest.raises(WatermarkError, match="已加密"):
        watermark_pdf(pdf_bytes(pages=1, encrypt="secret"), **STAMP)


@pytest.mark.parametrize("broken", [b"", b"%PDF-1.7\n garbage", pdf_bytes(pages=2)[:200]])
def test_a_broken_pdf_is_refused_with_a_clear_error(broken):
    with pytest.raises(WatermarkError, match="PDF"):
        watermark_pdf(broken, **STAMP)


def test_a_plain_text_copy_carries_the_label_in_its_header_and_footer():
    out = watermark_text("正文第一行\n正文第二行\n", **STAMP)
    lines = out.splitlines()
    assert "兰台区档案馆 · zhangsan · 2025-03-01 09:30" in lines[0]
    assert "兰台区档案馆 · zhangsan · 2025-03-01 09:30" in lines[-1]
    assert "正文第一行\n正文第二行" in out


def pdf_with_unreviewed_extras() -> bytes:
    """A one-page PDF carrying everything a reviewer never sees on the page itself."""
    from pypdf.generic import (
        ArrayObject,
        FloatObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes(pages=1)))
    writer.add_metadata({"/Title": "SECRET-INFO-TITLE", "/Author": "SECRET-AUTHOR"})
    writer.add_attachment("SECRET-ATTACHMENT.txt", b"SECRET-ATTACHED-CONTENT")
    xmp = DecodedStreamObject()
    xmp.set_data(b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>")
    xmp.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    root = writer._root_object
    root[NameObject("/Metadata")] = writer._add_object(xmp)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("SECRET-OPEN-ACTION"),
        }
    )
    root[NameObject("/OpenAction")] = writer._add_object(action)
    root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): action})
    names = root["/Names"].get_object()  # already holds the attachment's EmbeddedFiles tree
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("SECRET-JS"), action])}
    )
    field = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("SECRET-FIELD-NAME"),
            NameObject("/V"): TextStringObject("SECRET-FIELD-VALUE"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
            NameObject("/F"): NumberObject(4),
        }
    )
    field_ref = writer._add_object(field)
    page = writer.pages[0]
    comment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Contents"): TextStringObject("SECRET-COMMENT"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([field_ref, writer._add_object(comment)])
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    root[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([field_ref])}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_copy_is_rebuilt_without_what_was_never_reviewed():
    src = pdf_with_unreviewed_extras()
    before = PdfReader(io.BytesIO(src))
    assert before.attachments and "/AcroForm" in before.trailer["/Root"] and b"SECRET" in src
    out = watermark_pdf(src, **STAMP)
    reader = PdfReader(io.BytesIO(out))
    root = reader.trailer["/Root"]
    for key in ("/Names", "/OpenAction", "/AA", "/AcroForm", "/Metadata", "/Outlines"):
        assert key not in root, key
    assert "/Info" not in reader.trailer
    assert reader.attachments == {}
    page = reader.pages[0]
    assert "/Annots" not in page and "/AA" not in page
    assert "Lantai archive copy 0" in page.extract_text()  # the reviewed content is kept
    # Nothing of it survives anywhere in the file (all streams decoded).
    everything = out + b"".join(
        obj.get_data()
        for number in range(1, reader.trailer["/Size"])
        if (obj := _object(reader, number)) is not None and hasattr(obj, "get_data")
    )
    assert b"SECRET" not in everything


def _object(reader: PdfReader, number: int):
    try:
        return reader.get_object(number)
    except Exception:
        return None
