"""The result types the text pipeline hands to its callers (ingest, the CLI, search).

Plain dataclasses so that ``dataclasses.asdict`` gives the JSON document of ``lantai extract
--json`` without a serialisation layer. An empty ``body`` always comes with a ``reason``: ingest
stores the reason beside the record instead of guessing why a file yielded nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One recognised line, positioned for search highlighting and IIIF annotations.

    ``bbox`` is ``(x0, y0, x1, y1)`` in pixels of the page image as it was recognised (after
    any down-scaling recorded in ``ExtractResult.ocr_scale``); ``page`` and ``line`` count from 1.
    """

    page: int
    line: int
    text: str
    bbox: tuple[int, int, int, int]
    confidence: float
    vertical: bool = False


@dataclass(slots=True)
class ExtractResult:
    """Everything extracted from one file.

    ``date`` is ISO 8601 and may be partial (``2020``, ``2020-03``) because archival dates often
    are. ``script`` is one of ``simplified``, ``traditional``, ``mixed`` or ``none``.
    """

    body: str = ""
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    script: str = "none"
    encoding: str | None = None
    encoding_confidence: float | None = None
    reason: str | None = None
    kind: str = "unknown"
    places: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    pages: int | None = None
    ocr_engine: str | None = None
    ocr_lines: list[OcrLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return dataclasses.asdict(self)
