"""DOCX → text with python-docx: paragraphs and table cells in document order, plus the core
properties (title, author, created) that word processors fill in."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from lantai.text.result import ExtractResult

if TYPE_CHECKING:
    from docx.document import Document

_TEMPLATE_CREATED = "2013-12-23"


def extract_docx(data: bytes) -> ExtractResult:
    """Never raises: a damaged or non-DOCX zip gives an empty result with a reason."""
    result = ExtractResult(kind="docx")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises zip, XML and key errors on bad input
        result.reason = f"unreadable DOCX: {type(error).__name__}"
        return result
    result.body = "\n".join(_blocks(document))
    props = document.core_properties
    result.title = (props.title or "").strip() or None
    if props.author and props.author.strip():
        result.authors = [props.author.strip()]
    # python-docx's own template carries created = 2013-12-23: that is not the record's date.
    if props.created and props.created.date().isoformat() != _TEMPLATE_CREATED:
        result.date = props.created.date().isoformat()
    return result


def _blocks(document: Document) -> list[str]:
    """Paragraph and table text in body order (tables between the paragraphs around them)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = dict.fromkeys(cell.text.strip() for cell in row.cells)
                blocks.append("\t".join(c for c in cells if c))
    return blocks
