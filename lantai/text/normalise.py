"""Search-time normalisation shared by indexing and querying (DESIGN §7).

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
import unicodedata

import opencc

# Variant characters OpenCC ``t2s`` leaves alone but which readers treat as the same character.
_EXTRA_VARIANTS = str.maketrans({"衞": "卫", "羣": "群", "峯": "峰", "綫": "线", "着": "着"})


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Fold Traditional (and variant) characters to Simplified; other text passes unchanged."""
    return _t2s().convert(text).translate(_EXTRA_VARIANTS)


def fold_for_search(text: str) -> str:
    """The one normal form used for indexing and querying."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


@functools.cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")
