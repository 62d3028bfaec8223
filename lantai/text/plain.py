"""Plain text files: decode, then metadata from the text itself."""

from __future__ import annotations

from lantai.text.decode import decode
from lantai.text.result import ExtractResult


def extract_plain(data: bytes) -> ExtractResult:
    """Decoded text (cleaning and metadata are applied by the facade for every kind)."""
    decoded = decode(data)
    return ExtractResult(
        kind="text",
        body=decoded.text,
        encoding=decoded.encoding,
        encoding_confidence=decoded.confidence,
        reason=decoded.reason,
    )
