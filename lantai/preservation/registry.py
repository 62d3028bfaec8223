"""The format registry: which formats the archive keeps as they are, which it converts, and
which are at risk. Plain Python.

Decisions:

- **Policy by format key** (``lantai.sip.formats``: magic bytes decide, PRONOM names), the same
  keys 3-3 judges a transfer by, so what ingest accepts and what the holdings report calls a
  preservation format cannot drift apart: 3-3's default list *is*
  :data:`PRESERVATION_FORMATS` (GB/T 18894-2016: OFD, PDF, TIFF, JPEG, WAV, MP3, MP4, HTML,
  TXT).
- **Office formats are kept and converted** (:data:`CONVERTED_FORMATS`: DOCX, XLSX, PPTX and
  the OLE files DOC/XLS/PPT): the original stays in the package, a PDF/A is its archival
  rendering. Anything else — an unknown format, an archive, an executable, a PNG — is **at
  risk**: listed, file by file, so someone decides what to do with it.
- A stored file is classified by its PRONOM PUID where PRONOM maps it to a key
  (``formats.PUID_KEYS``), else by its MIME type, as recorded at ingest.
"""

from __future__ import annotations

from lantai.sip.formats import LABELS, PUID_KEYS

PRESERVATION_FORMATS = frozenset({"ofd", "pdf", "tiff", "jpeg", "wav", "mp3", "mp4", "html", "txt"})
CONVERTED_FORMATS = {"docx": "PDF/A", "xlsx": "PDF/A", "pptx": "PDF/A", "ole": "PDF/A"}
STANDINGS = {
    "preservation": "长期保存格式",
    "convert": "待转换为长期保存格式",
    "at_risk": "有风险的格式",
}
_BY_MIME = {mime: key for key, (_, mime) in LABELS.items() if key not in ("empty", "unknown")}


def key_of(puid: str, mime: str) -> str:
    """The format key of a stored file from what ingest recorded of it."""
    return PUID_KEYS.get(puid) or _BY_MIME.get(mime) or "unknown"


def standing(key: str) -> str:
    if key in PRESERVATION_FORMATS:
        return "preservation"
    return "convert" if key in CONVERTED_FORMATS else "at_risk"


def label(key: str) -> str:
    return LABELS.get(key, LABELS["unknown"])[0]
