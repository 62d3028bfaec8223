"""A record's description as its package keeps it: the snapshot every package version holds.

Decisions:

- **One rendering, used by both sides.** The snapshot a package version writes and the one
  ``lantai fixity`` computes from the database to check that they agree come from
  :func:`description_of`, so "agree" means equal JSON, not a field-by-field judgement.
- **What matters for preservation**: the 档号 and its parts, every DA/T 18 field, the
  arrangement (类别号, 案卷档号 and 卷内序号), the open status with its reason and dates, and the
  masks with their history (who masked what and why is part of the record's custody). Not in
  it: the extracted text (kept as a file of the package), the derived public text, working
  state (a pending 初审, a proposal) and timestamps the database keeps for itself.
- Codes, not database ids, name the series and the volume: a package outlives the database.
- The digest is SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

FORMAT = "lantai-description/1"
FIELDS = (
    "ref_code",
    "category",
    "year",
    "org_code",
    "number",
    "title",
    "creator",
    "date",
    "doc_number",
    "retention",
    "retention_original",
    "classification",
    "pages",
    "carrier",
    "topics",
    "persons",
    "description",
    "source_url",
    "script",
    "open_status",
    "open_reason",
    "review_again",
    "open_decided_at",
    "joint_opinion",
    "masks",
    "redactions",
)


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def description_of(item: Any) -> dict[str, Any]:
    """The item's description as a package version records it (an unsaved item works too)."""
    fields = {name: _plain(getattr(item, name)) for name in FIELDS}
    series = item.series if item.series_id else None
    volume = item.volume if item.volume_id else None
    return {
        "format": FORMAT,
        "fonds": item.fonds.code,
        **fields,
        "series": series.code if series else "",
        "series_name": series.name if series else "",
        "volume": volume.ref_code if volume else "",
        "volume_position": item.volume_position,
    }


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(value: Any) -> str:
    """SHA-256 of ``value``'s canonical JSON."""
    return hashlib.sha256(canonical(value)).hexdigest()
