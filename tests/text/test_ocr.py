import io

import pytest

from lantai.text import extract_bytes, ocr
from tests.text.conftest import render_lines

pytest.importorskip("PIL")
needs_rapidocr = pytest.mark.skipif(
    "rapidocr" not in ocr.available_engines(), reason="rapidocr not installed (optional extra)"
)


@needs_rapidocr
def test_horizontal_simplified_and_traditional_print_is_recognised_with_positions():
    image = render_lines(["第一条为了规范档案管理", "第二條從事檔案收集整理"])
    result = extract_bytes(image, "scan.png")
    assert result.body.split("\n") == ["第一条为了规范档案管理", "第二條從事檔案收集整理"]
    first, second = result.ocr_lines
    assert (first.page, first.line, second.line) == (1, 1, 2)
    assert first.bbox[1] < second.bbox[1]
    assert result.ocr_engine == "rapidocr"


@needs_rapidocr
def test_vertical_columns_are_read_right_to_left():
    image = render_lines(["档案管理办法", "第二條從事"], vertical=True)
    result = ocr.recognise_image(image)
    assert result.text.split("\n") == ["档案管理办法", "第二條從事"]
    assert all(line.vertical for line in result.lines)


@needs_rapidocr
def test_image_with_no_text_returns_empty_with_a_reason():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(out, "PNG")
    result = extract_bytes(out.getvalue(), "blank.png")
    assert result.body == ""
    assert result.reason == "no text recognised in the image"


def test_corrupt_image_returns_a_reason():
    result = extract_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "bad.png")
    assert result.body == ""
    assert result.reason


def test_unknown_engine_returns_a_reason_instead_of_failing():
    result = ocr.recognise_image(b"", engine="no-such-engine")
    assert result.reason.startswith("no OCR engine")


@needs_rapidocr
def test_scanned_pdf_without_text_layer_is_ocred():
    from PIL import Image

    page = Image.open(io.BytesIO(render_lines(["档案移交清单"]))).convert("RGB")
    out = io.BytesIO()
    page.save(out, "PDF", resolution=300)
    result = extract_bytes(out.getvalue(), "scan.pdf")
    assert result.body == "档案移交清单"
    assert result.ocr_lines[0].page == 1


def test_tesseract_second_engine_reads_a_line_when_installed():
    if "tesseract" not in ocr.available_engines():
        pytest.skip("tesserocr not installed (optional extra)")
    result = ocr.recognise_image(render_lines(["档案管理办法"], size=48), engine="tesseract")
    assert "档案" in result.text
