"""The limits of text extraction: file size, OCR time budget and OCR engine, in one place.

Decisions:

- Every limit is read through :mod:`lantai.env`, so a bad value (``LANTAI_OCR_TIMEOUT=2m``) is
  refused with a message naming the variable, not silently replaced by the default. The settings
  module reads each once at start-up, so ``lantai`` refuses to start on a bad value instead of an
  ingest failing later.
- They are read on each call rather than cached: tests and a long-running worker see the
  environment as it is now, and a read costs a dictionary lookup.
- The defaults live here only; ``pdf``, ``ofd``, ``ocr`` and ``pipeline`` take them from here
  (there were three OCR-timeout defaults once).
"""

from __future__ import annotations

from lantai.env import env_float, env_int, env_str

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_OCR_TIMEOUT = 120.0


def max_bytes() -> int:
    """Files larger than this are refused before reading (``LANTAI_TEXT_MAX_BYTES``)."""
    return env_int("LANTAI_TEXT_MAX_BYTES", DEFAULT_MAX_BYTES, minimum=1)


def ocr_timeout() -> float:
    """The OCR time budget per file in seconds (``LANTAI_OCR_TIMEOUT``)."""
    return env_float("LANTAI_OCR_TIMEOUT", DEFAULT_OCR_TIMEOUT, minimum=0.01, maximum=86_400.0)


def ocr_engine() -> str | None:
    """The OCR engine asked for (``LANTAI_OCR_ENGINE``), or None for the first available."""
    return env_str("LANTAI_OCR_ENGINE", "") or None
