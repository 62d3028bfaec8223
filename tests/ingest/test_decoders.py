"""A check whose decoder is missing is "not performed", never "passed" (DA/T 70 3-4)."""

from __future__ import annotations

import io
import sys

import pytest

from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.sources import open_submission
from tests.ingest.builders import row

NO_CLAMD = CheckContext(clamd="/nonexistent/clamd.ctl")


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def without_pillow(monkeypatch):
    """Make ``from PIL import Image`` fail as it does where Pillow is not installed."""
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)


def readability(folder) -> object:
    return next(r for r in run_checks(open_submission(folder), NO_CLAMD) if r.code == "3-4")


def test_without_pillow_image_decodability_is_not_performed_not_passed(make_folder, request):
    folder = make_folder([row(1, 文件名="照片.jpg")], {"照片.jpg": jpeg_bytes()})
    request.getfixturevalue("without_pillow")
    result = readability(folder)
    assert result.passed is None
    assert result.detail.startswith("未执行") and "Pillow" in result.detail
    assert "照片.jpg" in result.detail


def test_without_pillow_the_other_files_are_still_reported_as_opened(make_folder, request):
    rows = [row(1), row(2, 文件名="照片.jpg")]
    folder = make_folder(rows, {"照片.jpg": jpeg_bytes()})
    request.getfixturevalue("without_pillow")
    result = readability(folder)
    assert result.passed is None and "其余 1 个文件可正常打开" in result.detail


def test_without_pillow_a_truncated_jpeg_still_fails(make_folder, request):
    folder = make_folder([row(1, 文件名="照片.jpg")], {"照片.jpg": jpeg_bytes()[:-2]})
    request.getfixturevalue("without_pillow")
    result = readability(folder)
    assert result.passed is False and "FFD9" in result.detail


def test_with_pillow_a_decodable_image_passes(make_folder):
    folder = make_folder([row(1, 文件名="照片.jpg")], {"照片.jpg": jpeg_bytes()})
    assert readability(folder).passed is True
