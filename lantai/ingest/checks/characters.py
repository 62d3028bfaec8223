"""Characters that should not be in catalogue metadata (1-6), and how mojibake looks. Plain
Python.

Two kinds, for two levels of certainty:

- *Never right* in a metadata value, each one failing 1-6: C0 and C1 control characters (tab
  and line breaks aside), U+FFFD (a decoder's replacement), U+FEFF inside text, private use
  code points (Big5 read as GB18030 lands in them), noncharacters and code points unassigned
  in this Python's Unicode. Unassigned code points in the ideograph planes (U+20000–U+3FFFF)
  are the exception: a CJK extension newer than our Unicode tables is a rare character, not
  an accident, so it is judged as one below.
- *Unlikely*: characters that are real but that a wrong decoding scatters through Chinese
  text. Big5 bytes read as GBK give kana (あ, カ), box drawing (┎), Greek and Cyrillic letters,
  bopomofo, vertical and small punctuation forms (︽, ﹚), and ideographs no one writes. Such
  text is flagged only when it looks like mojibake as a whole, never for one character:
  personal names carry real 生僻字 (王𠈌, 李喆), and a catalogue must take them.

The heuristic for one value (a cell) that contains at least one ideograph:

- *strong* signs: box drawing and block elements, vertical/compatibility/small forms, and a
  kana, Hangul, Yi, bopomofo, Greek or Cyrillic letter standing alone between characters of
  other scripts (a run of them is a word: Москва, β-内啡肽, の between kanji is one letter);
- *weak* signs: ideographs outside the common sets — neither in GB 2312 nor Traditional for
  a GB 2312 character (OpenCC), which keeps real Traditional text common — and all of CJK
  Extension A, B and later and the compatibility ideographs;
- the value is mojibake when the signs are at least 4 and at least 35 % of its non-ASCII
  letters, with at least one strong sign; without one, 8 weak signs and half the letters.
  So a name or a title with one, two or three rare characters always passes.

The same score over a whole file helps ``catalogue.decode_catalogue`` choose between GB18030
and Big5 when neither leaves private use characters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from lantai.text.normalise import to_simplified

MIN_SIGNS = 4
MIN_SHARE = 0.35
WEAK_ONLY_SIGNS = 8
WEAK_ONLY_SHARE = 0.5

_ALLOWED_CONTROLS = frozenset("\t\n\r")
# (first, last, script) of the letters that are a strong sign when they stand alone.
_LETTER_BLOCKS = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x1100, 0x11FF, "hangul"),
    (0x3040, 0x309F, "kana"),
    (0x30A0, 0x30FF, "kana"),
    (0x3100, 0x312F, "bopomofo"),
    (0x3130, 0x318F, "hangul"),
    (0x31A0, 0x31BF, "bopomofo"),
    (0x31F0, 0x31FF, "kana"),
    (0xA000, 0xA4CF, "yi"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xFF65, 0xFF9F, "kana"),
)
# Blocks no Chinese catalogue value is written in: box drawing, block elements, vertical
# forms, CJK compatibility forms and small form variants.
_ALWAYS_STRONG = ((0x2500, 0x259F), (0xFE10, 0xFE1F), (0xFE30, 0xFE6F))
_RARE_IDEOGRAPHS = ((0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def never_right(text: str) -> list[str]:
    """The characters of ``text`` that are never right in metadata, shown (see ``shown``)."""
    return sorted({shown(ch) for ch in text if _never_right(ch)}, key=_code_order)


def mojibake(text: str) -> list[str]:
    """The unlikely characters of ``text``, shown, if ``text`` looks like mojibake; else []."""
    signs, strong, letters = _signs(text)
    if not signs or not any(_is_ideograph(ch) for ch in text):
        return []
    count, share = len(signs), len(signs) / max(letters, 1)
    if strong and count >= MIN_SIGNS and share >= MIN_SHARE:
        return _listed(signs)
    if not strong and count >= WEAK_ONLY_SIGNS and share >= WEAK_ONLY_SHARE:
        return _listed(signs)
    return []


def unlikely_count(text: str) -> int:
    """How many never-right or unlikely characters ``text`` has (to compare decodings)."""
    return sum(1 for ch in text if _never_right(ch)) + len(_signs(text)[0])


def shown(ch: str) -> str:
    """「カ」U+30AB for a visible character, U+0007 alone for an invisible one."""
    code = f"U+{ord(ch):04X}"
    return code if unicodedata.category(ch)[0] in "CZ" else f"「{ch}」{code}"


def _never_right(ch: str) -> bool:
    if ch in _ALLOWED_CONTROLS:
        return False
    category = unicodedata.category(ch)
    if category == "Cn":
        return not 0x20000 <= ord(ch) <= 0x3FFFF  # a newer CJK extension is not an accident
    return category in ("Cc", "Co", "Cs") or ch in "\ufffd\ufeff"


def _signs(text: str) -> tuple[list[str], int, int]:
    """(the unlikely characters, how many are strong, the count of non-ASCII letters)."""
    signs, strong, letters = [], 0, 0
    kinds = [_kind(ch) for ch in text]
    for i, ch in enumerate(text):
        kind = kinds[i]
        if kind is None:
            continue
        if kind == "strong" or (
            kind.startswith("script:")
            and kind != (kinds[i - 1] if i else None)
            and kind != (kinds[i + 1] if i + 1 < len(text) else None)
        ):
            signs.append(ch)
            strong += 1
            letters += 1
        elif kind == "rare":
            signs.append(ch)
            letters += 1
        elif kind in ("letter", "common") or kind.startswith("script:"):
            letters += 1
    return signs, strong, letters


@lru_cache(maxsize=65536)
def _kind(ch: str) -> str | None:
    """None (ASCII, never right, punctuation), 'strong', 'script:<name>', 'rare', 'common'
    (an ideograph) or 'letter' (any other non-ASCII letter or digit)."""
    code = ord(ch)
    if code < 0x80 or _never_right(ch):
        return None
    if _in(code, _ALWAYS_STRONG):
        return "strong"
    script = _letter_script(ch)
    if script:
        return "script:" + script
    if _is_ideograph(ch):
        return "common" if _common(ch) else "rare"
    return "letter" if unicodedata.category(ch)[0] in "LN" else None


def _letter_script(ch: str) -> str | None:
    code = ord(ch)
    for first, last, script in _LETTER_BLOCKS:
        if first <= code <= last:
            return script
    return None


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(first <= code <= last for first, last in ranges)


def _is_ideograph(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or _in(code, _RARE_IDEOGRAPHS)


def _common(ch: str) -> bool:
    """In GB 2312, or Traditional for a character that is (OpenCC folds 臺 to 台)."""
    if _in(ord(ch), _RARE_IDEOGRAPHS):
        return False
    for candidate in (ch, to_simplified(ch)):
        try:
            candidate.encode("gb2312")
            return True
        except UnicodeEncodeError:
            continue
    return False


def _listed(signs: list[str]) -> list[str]:
    unique = list(dict.fromkeys(signs))
    return [shown(ch) for ch in unique]


def _code_order(text: str) -> int:
    return int(text.rsplit("U+", 1)[1], 16)
