"""The rules a described field obeys, shared by the item form and paper registration.

Decisions:

- The same rules as ingest's four-property checks (DA/T 70 1-3 to 1-6), so a record typed in
  by hand is held to what a transferred one is: dates in the forms Chinese catalogues write
  (``2020年3月5日``, ``2020.3.5``, partial ``2020-03``) stored as ISO, none in the future or
  before AD 1000, the date's year equal to the record's 年度, 页数 at least 1, and no control,
  private-use or unassigned characters in any text field.
- 年度 is a part of the 档号: when the date says another year, the message sends the archivist
  to 改号 rather than letting the two disagree.
- 主题词 and 当事人 are lists typed as text, separated by commas (half or full width), 、 or
  semicolons, or one a line; duplicates are dropped, order kept.
- Every rule raises :class:`FieldError` with a Chinese message naming the field and what to
  write instead; the form shows it beside the field.
"""

from __future__ import annotations

import datetime as dt
import re

from lantai.ingest.checks.characters import never_right
from lantai.ingest.checks.values import parse_date

MAX_TERMS = 50
MAX_TERM_CHARS = 100
_SEPARATORS = re.compile(r"[,，、;；\r\n]+")


class FieldError(ValueError):
    """A value the field does not accept; the message says why and what to write."""


def terms(text: str, label: str = "主题词") -> list[str]:
    """A list typed as text: ``防汛，抗旱、 救灾`` → ``["防汛", "抗旱", "救灾"]``."""
    found = list(dict.fromkeys(t.strip() for t in _SEPARATORS.split(text or "") if t.strip()))
    if len(found) > MAX_TERMS:
        raise FieldError(f"{label}最多 {MAX_TERMS} 个（收到 {len(found)} 个）")
    for term in found:
        if len(term) > MAX_TERM_CHARS:
            raise FieldError(f"{label}「{term[:20]}…」过长：每个不超过 {MAX_TERM_CHARS} 个字符")
        plain(term, label)
    return found


def plain(text: str, label: str) -> str:
    """``text`` if it holds no character that is never right in metadata."""
    bad = never_right(text)
    if bad:
        raise FieldError(f"{label}含有不应出现的字符 {'、'.join(bad)}：请删除后重新保存")
    return text


def date(text: str, year: int | None, today: dt.date | None = None) -> str:
    """A date as typed, checked and written as ISO (``2020-03-05``, ``2020-03`` or ``2020``)."""
    text = (text or "").strip()
    if not text:
        return ""
    parsed = parse_date(text)
    if parsed is None:
        raise FieldError(f"日期「{text}」无效：应写如 2020-03-05、2020年3月5日、2020-03 或 2020")
    if parsed.earliest() > (today or dt.date.today()):
        raise FieldError(f"日期「{parsed.iso()}」晚于今天，请核对")
    if parsed.year < 1000:
        raise FieldError(f"日期「{parsed.iso()}」早于公元 1000 年，请核对")
    if year is not None and parsed.year != year:
        raise FieldError(
            f"日期「{parsed.iso()}」与年度 {year} 不一致：若年度著录有误，请先改号，再修改日期"
        )
    return parsed.iso()


def year(text: str) -> int:
    """年度: four digits, not in the future."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise FieldError(f"年度应为四位数字，如 2020（收到「{text}」）")
    value = int(text)
    if not 1000 <= value <= dt.date.today().year:
        raise FieldError(f"年度 {value} 不合理：应在 1000 年至今年之间")
    return value
