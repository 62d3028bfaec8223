"""Personal numbers in Chinese text, recognised for the open-review flags (``flags``). Plain
Python.

A number is read only as a whole run of digits (full-width digits too), never inside a longer
run, so an ID number does not also yield a phone number:

- ID cards (居民身份证号): a valid province code and birth date; 18-digit ones also the
  ISO 7064 MOD 11-2 check digit (a random 18-digit number is not taken for one), 15-digit old
  ones have none;
- bank cards: 16–19 digit runs (or groups of four) passing Luhn that are not ID-shaped;
- phone numbers: mobiles (1[3-9], optional +86) and landlines with their area code.

Each finder returns ``(kind, start, end, why)`` with the reason in Chinese.
"""

from __future__ import annotations

import datetime
import re
import time

Found = tuple[str, int, int, str]


def _words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


# 11–65 mainland provinces, 71 Taiwan, 81–83 residence permits (HK, Macau, Taiwan).
PROVINCES = frozenset(_words("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46"))
PROVINCES |= frozenset(_words("50 51 52 53 54 61 62 63 64 65 71 81 82 83"))
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

_DIGITS = r"[0-9０-９]"
ID18 = re.compile(rf"(?<!{_DIGITS}){_DIGITS}{{17}}[0-9０-９XxＸｘ](?![0-9０-９XxＸｘ])")
ID15 = re.compile(rf"(?<!{_DIGITS}){_DIGITS}{{15}}(?!{_DIGITS})")
BANK = re.compile(
    rf"(?<!{_DIGITS})(?:{_DIGITS}{{16,19}}|{_DIGITS}{{4}}(?:[ -]{_DIGITS}{{4}}){{3}}"
    rf"(?:[ -]{_DIGITS}{{1,3}})?)(?![0-9０-９XxＸｘ])"
)
MOBILE = re.compile(
    rf"(?<!{_DIGITS})(?:\+?86[ -]?)?1[3-9]{_DIGITS}(?:[ -]?{_DIGITS}{{4}}){{2}}(?!{_DIGITS})"
)
# Area code 010, 02x or 0[3-9]xx; local numbers start with 2–9.
LANDLINE = re.compile(
    rf"(?<!{_DIGITS})(?:0(?:10|2{_DIGITS}|[3-9]{_DIGITS}{{2}})-?|[(（]0{_DIGITS}{{2,3}}[)）]\s?)"
    rf"[2-9]{_DIGITS}{{6,7}}(?!{_DIGITS})"
)


_ASCII_DIGITS = str.maketrans("０１２３４５６７８９ｘＸx", "0123456789XXX")
_NOT_DIGIT = re.compile(r"[^0-9X]")


def digits(s: str) -> str:
    """ASCII digits (and X) of a match, whatever its width or separators."""
    return _NOT_DIGIT.sub("", s.translate(_ASCII_DIGITS))


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return False
    # Only the year is compared with today (cheap, and a birth later this year is harmless).
    return 1850 <= born.year <= time.localtime().tm_year


def id_card_reason(number: str) -> str | None:
    """Why ``number`` (ASCII digits/X) is a plausible ID number, or None."""
    if number[:2] not in PROVINCES:
        return None
    if len(number) == 18:
        if not _valid_date(int(number[6:10]), int(number[10:12]), int(number[12:14])):
            return None
        if _check_digit(number) != number[17]:
            return None
        return "18 位身份证号，地区码与出生日期有效，校验码正确"
    if len(number) == 15 and _valid_date(
        1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
    ):
        return "15 位旧式身份证号，地区码与出生日期有效（旧号无校验码）"
    return None


def _id_shaped(number: str) -> bool:
    """Province code and birth date of an ID, whatever the check digit (not a bank card)."""
    return len(number) == 18 and id_card_reason(number[:17] + _check_digit(number)) is not None


def _check_digit(number: str) -> str:
    """ISO 7064 MOD 11-2 check digit of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_cards(text: str) -> list[Found]:
    matches = [m for pattern in (ID18, ID15) for m in pattern.finditer(text)]
    reasons = ((m, id_card_reason(digits(m.group()))) for m in matches)
    return [("id_card", m.start(), m.end(), why) for m, why in reasons if why]


def luhn_ok(number: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def bank_cards(text: str) -> list[Found]:
    found = []
    for m in BANK.finditer(text):
        number = digits(m.group())
        if 16 <= len(number) <= 19 and not _id_shaped(number) and luhn_ok(number):
            why = f"{len(number)} 位数字，通过 Luhn 校验，疑为银行卡号"
            found.append(("bank_card", m.start(), m.end(), why))
    return found


def phones(text: str) -> list[Found]:
    return [
        ("phone", m.start(), m.end(), why)
        for pattern, why in (
            (MOBILE, "11 位手机号码（1[3-9] 开头）"),
            (LANDLINE, "带区号的固定电话号码"),
        )
        for m in pattern.finditer(text)
    ]
