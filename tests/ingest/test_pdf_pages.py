"""3-4 opens every page of a PDF; a page with almost no text is no fault and keeps its text."""

from __future__ import annotations

import io
import re

from lantai.ingest.checks.openers import open_pdf
from lantai.text.pdf import extract_pdf


def text_pdf(texts: list[str]) -> bytes:
    """A PDF with one page per text (Helvetica text layer)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for text in texts:
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def garble(data: bytes, numbers: list[int]) -> bytes:
    """Object bodies replaced by garbage of the same length (the xref offsets stay right)."""
    for number in numbers:
        data = re.sub(
            rb"(\n%d 0 obj\n)(.*?)endobj" % number,
            lambda m: m.group(1) + b"#\x8f\x8f" * (len(m.group(2)) // 3) + b"endobj",
            data,
            count=1,
            flags=re.S,
        )
    return data


def test_a_pdf_whose_later_page_objects_are_garbage_fails_naming_the_page(tmp_path):
    good = text_pdf(["The first page reads well", "Second page", "Third page"])
    contents = [int(n) for n in re.findall(rb"/Contents (\d+) 0 R", good)]
    path = tmp_path / "a.pdf"
    path.write_bytes(garble(good, contents[1:]))
    reason = open_pdf(path)
    assert reason is not None and "第 2 页" in reason and "共 3 页" in reason
    assert "重新导出" in reason


def test_a_page_with_three_characters_opens_and_keeps_its_text(tmp_path):
    data = text_pdf(["abc"])
    path = tmp_path / "short.pdf"
    path.write_bytes(data)
    assert open_pdf(path) is None
    result = extract_pdf(data)
    assert result.body.strip() == "abc" and result.reason is None
