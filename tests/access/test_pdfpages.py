"""Masked rectangles are burnt into the pixels of an image and of a PDF page, which is re-made
as an image page, so nothing under a mask survives in the delivered file."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from lantai.access.pdfpages import PageError, mask_image, pdf_page_count, redact_pdf, render_page
from tests.access.test_watermark import pdf_bytes


def test_pixels_inside_a_box_are_black_and_outside_unchanged():
    image = Image.new("RGB", (200, 100), (200, 180, 150))
    mask_image(image, [(0.25, 0.5, 0.5, 1.0)])
    assert image.getpixel((50, 50)) == (0, 0, 0)
    assert image.getpixel((99, 99)) == (0, 0, 0)  # the box's last column and row
    assert image.getpixel((49, 49)) == (200, 180, 150)
    assert image.getpixel((100, 50)) == (200, 180, 150)


def test_box_edges_round_outwards_so_no_sliver_survives():
    image = Image.new("L", (10, 10), 255)
    mask_image(image, [(0.15, 0.15, 0.35, 0.35)])  # 1.5 → 3.5 pixels
    assert image.getpixel((1, 1)) == 0 and image.getpixel((3, 3)) == 0
    assert image.getpixel((4, 4)) == 255 and image.getpixel((0, 0)) == 255


def test_a_masked_pdf_page_loses_its_text_layer_and_the_others_keep_theirs():
    source = pdf_bytes(pages=3, text="SECRET NAME")
    redacted = PdfReader(io.BytesIO(redact_pdf(source, {2: [(0.1, 0.1, 0.9, 0.2)]})))
    assert len(redacted.pages) == 3
    texts = [page.extract_text() for page in redacted.pages]
    assert "SECRET NAME 0" in texts[0] and "SECRET NAME 2" in texts[2]
    assert "SECRET" not in texts[1]
    original = PdfReader(io.BytesIO(source)).pages[1]
    assert float(redacted.pages[1].mediabox.width) == pytest.approx(float(original.mediabox.width))


def test_rasterise_all_leaves_no_text_layer_on_any_page():
    redacted = redact_pdf(
        pdf_bytes(pages=2, text="SECRET"), {1: [(0, 0, 0.1, 0.1)]}, rasterise_all=True
    )
    assert all(
        "SECRET" not in page.extract_text() for page in PdfReader(io.BytesIO(redacted)).pages
    )


def test_the_masked_area_of_a_rendered_page_is_black():
    source = pdf_bytes(pages=1)
    redacted = redact_pdf(source, {1: [(0.0, 0.0, 0.5, 0.5)]})
    page = render_page(redacted, 1, max_side=400)
    assert page.getpixel((10, 10)) == (0, 0, 0)
    assert page.getpixel((page.width - 10, page.height - 10)) != (0, 0, 0)


def test_a_page_beyond_the_document_is_refused_not_skipped():
    with pytest.raises(PageError, match="第 4 页不存在"):
        redact_pdf(pdf_bytes(pages=3), {4: [(0, 0, 0.5, 0.5)]})
    with pytest.raises(PageError, match="只有 3 页"):
        render_page(pdf_bytes(pages=3), 5)


def test_a_damaged_pdf_is_a_page_error():
    with pytest.raises(PageError):
        pdf_page_count(b"%PDF-1.4 broken")
    assert pdf_page_count(pdf_bytes(pages=2)) == 2
