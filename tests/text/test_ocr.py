import io
import os
import time

import pytest

from lantai.text import _ocr_worker, extract_bytes, ocr
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


def test_worker_call_past_its_limit_is_killed_and_the_next_call_gets_a_fresh_worker():
    first = _ocr_worker.call("os:getpid", (), 60)
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        _ocr_worker.call("time:sleep", (60,), 0.5)
    assert time.monotonic() - start < 10
    second = _ocr_worker.call("os:getpid", (), 60)
    assert second != first
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)  # the stuck worker is gone, not left running


def test_worker_reraises_errors_keeps_running_and_survives_a_crash():
    pid = _ocr_worker.call("os:getpid", (), 60)
    with pytest.raises(ValueError, match="math domain error"):
        _ocr_worker.call("math:sqrt", (-1,), 60)
    assert _ocr_worker.call("os:getpid", (), 60) == pid
    with pytest.raises(_ocr_worker.WorkerDied):
        _ocr_worker.call("os:_exit", (3,), 60)
    assert _ocr_worker.call("os:getpid", (), 60) != pid


@needs_rapidocr
def test_a_page_past_the_time_limit_stops_with_a_reason_naming_the_page(monkeypatch):
    monkeypatch.setenv("LANTAI_OCR_TIMEOUT", "0.05")
    page = render_lines(["第一条为了规范档案管理工作制定本办法"] * 16)
    start = time.monotonic()
    result = extract_bytes(page, "scan.png")
    assert time.monotonic() - start < 10
    assert result.body == ""  # had the limit not been enforced, the page would have been read
    assert result.reason.startswith("OCR stopped at page 1: time limit of 0.05 s reached")
    monkeypatch.delenv("LANTAI_OCR_TIMEOUT")
    assert extract_bytes(render_lines(["档案管理"]), "next.png").body == "档案管理"


def test_tesseract_page_past_the_time_limit_is_reported_as_stopped():
    if "tesseract" not in ocr.available_engines():
        pytest.skip("tesserocr not installed (optional extra)")
    page = render_lines(["第一条为了规范档案管理工作制定本办法"] * 16)
    result = ocr.recognise_pages([(2, page)], engine="tesseract", timeout=0.05)
    assert result.text == ""
    assert result.reason.startswith("OCR stopped at page 2: time limit of 0.05 s reached")
