"""4-9 finds JavaScript in a PDF's objects — an open action, a name tree, a link — and not
the bytes "/JS" that turn up by chance inside a scan's compressed image data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from lantai.ingest.checks.pdfscript import has_javascript
from lantai.ingest.checks.security import executable_content

CHANCE_BYTES = b"\x8f\x02/JS\xff\x10" * 64  # what a JPEG stream may hold by chance


def _js_action() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )


def _write(tmp_path: Path, writer: PdfWriter, name: str = "a.pdf") -> Path:
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def _blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    return writer


def test_chance_bytes_in_stream_data_are_not_javascript(tmp_path):
    writer = _blank()
    writer.add_attachment("scan.jpg", CHANCE_BYTES)
    path = _write(tmp_path, writer)
    assert b"/JS\xff" in path.read_bytes()  # the old byte search would have refused this file
    assert not has_javascript(path)
    assert executable_content(path) is None


def test_an_open_action_script_is_found(tmp_path):
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_js_action())
    assert has_javascript(_write(tmp_path, writer))


def test_a_document_level_script_in_the_name_tree_is_found(tmp_path):
    writer = _blank()
    tree = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("init"), writer._add_object(_js_action())]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    path = _write(tmp_path, writer)
    assert has_javascript(path)
    assert executable_content(path) == "含 JavaScript 脚本"


def test_a_link_annotation_running_a_script_is_found(tmp_path):
    writer = _blank()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
            NameObject("/A"): _js_action(),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    assert has_javascript(_write(tmp_path, writer))


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b"%PDF-1.4\n1 0 obj << /S /JavaScript /JS (x) >> endobj\n%%EOF", True),
        (b"%PDF-1.4\n1 0 obj << /Length 9 >>\nstream\nxx/JS yy\nendstream endobj\n%%EOF", False),
    ],
)
def test_an_unreadable_pdf_falls_back_to_the_bytes_outside_streams(tmp_path, body, found):
    path = tmp_path / "broken.pdf"
    path.write_bytes(body)
    assert has_javascript(path) is found
