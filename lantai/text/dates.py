"""Chinese and ISO dates → ISO 8601, partial dates kept partial (issue 4, step 5).

Archival dates are often partial (``2020年``, ``2020年3月``) and news pages often give only
``3月3日``. A date without a year is resolved against a *context* year (the page URL, another
full date in the document, or the caller's reference date); without context it is dropped
rather than guessed, because a wrong year is worse than none for a 日期 field.

Chinese numerals (``二〇二〇年三月三日``, ``二十一日``) are understood because government
documents write dates that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "〇○零Ｏ一二三四五六七八九十"
_NUM = rf"(?:\d{{1,4}}|[{_CN}]{{1,4}})"
_YEAR = rf"(?P<y>(?:1[89]|20)\d{{2}}|[{_CN}]{{4}})"

_FULL = re.compile(
    rf"{_YEAR}\s*(?:年\s*(?P<m>{_NUM})\s*月(?:\s*(?P<d>{_NUM})\s*[日号])?"
    r"|[-/.](?P<m2>\d{1,2})(?:[-/.](?P<d2>\d{1,2})(?!\d))?(?![\d.]))"
)
_YEAR_ONLY = re.compile(rf"{_YEAR}\s*年(?!\s*\d{{0,2}}\s*月)")
_MONTH_DAY = re.compile(rf"(?<![\d年])(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>[0-2]\d|3[01])(?!\d)")
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>0[1-9]|1[0-2])(?:[-/_]?(?P<d>[0-2]\d|3[01]))?(?!\d)"
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in text: ISO string and where it started."""

    iso: str
    start: int


def cn_number(token: str) -> int | None:
    """``2020`` / ``二〇二〇`` / ``二十一`` / ``十二`` → int; ``None`` if not a number."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, units = token.partition("十")
        high = _CN_DIGITS.get(tens) if tens else 1
        low = _CN_DIGITS.get(units) if units else 0
        return None if high is None or low is None else high * 10 + low
    digits = [_CN_DIGITS.get(c) for c in token]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """Validated ISO date, as precise as the parts given."""
    if year is None or not 1800 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    import calendar

    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _num(token: str | None) -> int | None:
    return None if token is None else cn_number(token)


def find_dates(text: str, context_year: int | None = None) -> list[FoundDate]:
    """Every date in ``text``, in order; ``M月D日`` only when ``context_year`` is known."""
    found: dict[int, FoundDate] = {}
    for match in _FULL.finditer(text):
        month = match.group("m") or match.group("m2")
        day = match.group("d") or match.group("d2")
        value = iso(_num(match.group("y")), _num(month), _num(day))
        if value:
            found[match.start()] = FoundDate(value, match.start())
    for match in _YEAR_ONLY.finditer(text):
        value = iso(_num(match.group("y")))
        if value and match.start() not in found:
            found[match.start()] = FoundDate(value, match.start())
    covered = [range(f.start, f.start + 12) for f in found.values()]
    if context_year is not None:
        for match in _MONTH_DAY.finditer(text):
            if any(match.start() in r for r in covered):
                continue
            value = iso(context_year, _num(match.group("m")), _num(match.group("d")))
            if value:
                found[match.start()] = FoundDate(value, match.start())
    return [found[k] for k in sorted(found)]


def parse_date(text: str, context_year: int | None = None) -> str | None:
    """The first date in ``text`` (see :func:`find_dates`), or a compact ``20200229``."""
    dates = find_dates(text, context_year)
    if dates:
        return dates[0].iso
    match = _COMPACT.search(text)
    if match:
        return iso(int(match["y"]), int(match["m"]), int(match["d"]))
    return None


def date_from_url(url: str) -> str | None:
    """``/2020-02/19/c_1.htm`` or ``/20200102/`` → ISO (day when present)."""
    match = re.search(r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})/(?P<d>\d{2})/", url)
    if match:
        return iso(int(match["y"]), int(match["m"]), int(match["d"]))
    match = _URL_DATE.search(url)
    if not match:
        return None
    day = int(match["d"]) if match["d"] else None
    return iso(int(match["y"]), int(match["m"]), day)


def year_of(value: str | None) -> int | None:
    """The year of an ISO date (full or partial)."""
    return int(value[:4]) if value and value[:4].isdigit() else None
