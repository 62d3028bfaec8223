"""Parsing metadata values the way Chinese catalogues write them. Plain Python.

Dates may be partial (DA/T 18 allows a year or a year and month): ``2020``, ``2020-03``,
``2020-03-05``, ``20200305``, ``2020/3/5``, ``2020.3.5``, ``2020年3月5日``, and ISO timestamps
for web captures (``2024-01-26T08:00:00Z``, WARC's ``20240126080000``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from lantai.ingest.checks.characters import never_right
from lantai.sip.submission import SubmittedItem, field_label

_SEPARATED = re.compile(
    r"^(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})(?:[-/.月](?P<d>\d{1,2})日?)?月?)?年?"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?(?:\d{2}(?:\d{2}(?:\d{2})?)?)?$")


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        parts = [
            f"{self.year:04d}",
            self.month and f"{self.month:02d}",
            self.day and f"{self.day:02d}",
        ]
        return "-".join(p for p in parts if p)


def parse_date(text: str) -> PartialDate | None:
    """A partial date, or ``None`` if ``text`` is not one of the accepted forms or impossible."""
    text = unicodedata.normalize("NFKC", text.strip())
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if not match:
        return None
    year = int(match["y"])
    month, day = (int(v) if v else None for v in match.group("m", "d"))
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def parse_int(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text.strip())
    return int(text) if text.isdigit() else None


def special_characters(text: str) -> list[str]:
    """Characters that should not be in metadata, shown as U+XXXX (see ``characters.py``)."""
    return never_right(text)


def where(item: SubmittedItem, key: str | None = None) -> str:
    """「目录第 3 行「日期」」 — how a failure names the row and field."""
    return item.where() + (f"「{field_label(key)}」" if key else "")


def value(item: SubmittedItem, key: str, defaults: dict[str, str]) -> str:
    """The item's value for ``key``, else the batch-level default, else empty."""
    return item.fields.get(key) or defaults.get(key, "")
