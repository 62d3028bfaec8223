"""Search-time normalisation shared by indexing and querying (architecture §7).

The same function must run on both sides, so it lives here, outside the search package, and is
plain Python. Steps, in order:

1. Unicode NFKC — folds full-width Latin/digits/punctuation to half-width and compatibility
   ideographs to their unified forms.
2. Traditional → Simplified with OpenCC's ``t2s`` configuration (character-level, including
   the variant table; ``hk2s`` would add Hong Kong variants but also rewrites some mainland
   forms, so we stay with ``t2s`` and add the few variants it keeps below).
3. Lower-case.

The original text is never replaced by this form: it is only what gets indexed and matched.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc
import regex

# Variant characters OpenCC ``t2s`` leaves alone but which readers treat as the same character.
_EXTRA_VARIANTS = str.maketrans({"衞": "卫", "羣": "群", "峯": "峰", "綫": "线", "着": "着"})
# ``str.translate`` looks every character up in a dict (4× OpenCC's own time on a news story);
# a C-speed search for the few variants first skips it for the text that has none (nearly all).
_HAS_EXTRA_VARIANT = re.compile("[" + "".join(map(chr, _EXTRA_VARIANTS)) + "]")


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Fold Traditional (and variant) characters to Simplified; other text passes unchanged."""
    simplified: str = _t2s().convert(text)
    if _HAS_EXTRA_VARIANT.search(simplified) is None:
        return simplified
    return simplified.translate(_EXTRA_VARIANTS)


def fold_for_search(text: str) -> str:
    """The one normal form used for indexing and querying."""
    return to_simplified(nfkc(text)).lower()


# NFKC shortens text only by composing a character with what follows it: combining marks
# (\p{M}), Hangul jamo, and the half-width kana voicing marks that NFKC turns into marks.
MAY_COMPOSE = regex.compile(r"[\p{M}\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\uFF9E\uFF9F]")
# Characters NFKC may change (quick-check No or Maybe), in runs.
_NFKC_UNSTABLE = regex.compile(r"[\p{NFKC_QC=No}\p{NFKC_QC=Maybe}]+")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, about 4× faster on Chinese text with full-width
    punctuation: when nothing composes, each character normalises on its own, so only the
    runs of characters NFKC may change are normalised."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    if MAY_COMPOSE.search(text) is not None:
        return unicodedata.normalize("NFKC", text)
    return nfkc_each(text)


def nfkc_each(text: str) -> str:
    """NFKC applied to each character on its own (equal to NFKC of the whole text when nothing
    in it matches ``MAY_COMPOSE``)."""
    return _NFKC_UNSTABLE.sub(_nfkc_of_match, text)


@functools.lru_cache(maxsize=4096)
def _nfkc(run: str) -> str:
    return unicodedata.normalize("NFKC", run)


def _nfkc_of_match(match: regex.Match[str]) -> str:
    return _nfkc(match.group())


@functools.cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")
