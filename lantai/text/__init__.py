"""Chinese text processing: plain Python, no Django import (architecture §2, §3).

The facade other parts use (ingest, the CLI, search):

* :func:`extract` / :func:`extract_bytes` — any file → :class:`ExtractResult` (never raises);
* :func:`clean`, :func:`detect_script`, :func:`fold_for_search`;
* :func:`fingerprint`, :func:`similarity`, :func:`is_near_duplicate` — near-duplicate checks.
"""

from lantai.text.clean import clean
from lantai.text.dedup import (
    Fingerprint,
    NearDuplicateIndex,
    fingerprint,
    is_near_duplicate,
    similarity,
)
from lantai.text.normalise import fold_for_search, to_simplified
from lantai.text.pipeline import extract, extract_bytes
from lantai.text.result import ExtractResult, OcrLine
from lantai.text.script import detect_script

__all__ = [
    "ExtractResult",
    "Fingerprint",
    "NearDuplicateIndex",
    "OcrLine",
    "clean",
    "detect_script",
    "extract",
    "extract_bytes",
    "fingerprint",
    "fold_for_search",
    "is_near_duplicate",
    "similarity",
    "to_simplified",
]
