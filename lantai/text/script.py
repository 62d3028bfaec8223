"""Simplified / Traditional / mixed detection (issue 4, step 4).

A Han character is *Traditional evidence* when OpenCC ``t2s`` changes it and *Simplified
evidence* when ``s2t`` changes it. Characters are converted one per line so that OpenCC's
phrase tables cannot couple neighbours. Characters that both scripts share (most of them) are
no evidence either way.

Some Simplified characters are also correct Traditional ones in context (后, 干, 发, 里 …): a
Traditional text containing 皇后 shows 后 as "Simplified evidence". So a script is declared
*mixed* only when the minority evidence is both at least 3 characters and at least 15 % of the
evidence; otherwise the majority wins. Han text with no evidence at all is reported as
``simplified`` (it reads correctly as either; the mainland form is the default of Lantai's
archives). ``none`` means there is no Han character at all.
"""

from __future__ import annotations

import functools
import re

from lantai.text.normalise import _s2t, _t2s

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SAMPLE = 50_000
_MINORITY_SHARE = 0.15
_MINORITY_MIN = 3


@functools.lru_cache(maxsize=65536)
def _evidence(char: str) -> tuple[bool, bool]:
    return _t2s().convert(char) != char, _s2t().convert(char) != char


def _classify(chars: list[str]) -> tuple[int, int]:
    evidence = {c: _evidence(c) for c in set(chars)}
    traditional = sum(evidence[c][0] and not evidence[c][1] for c in chars)
    simplified = sum(evidence[c][1] and not evidence[c][0] for c in chars)
    return traditional, simplified


def script_counts(text: str) -> tuple[int, int, int]:
    """``(han, traditional_evidence, simplified_evidence)`` over the first 50 000 characters."""
    chars = _HAN.findall(text, 0, _SAMPLE)
    traditional, simplified = _classify(chars)
    return len(chars), traditional, simplified


def detect_script(text: str) -> str:
    """``simplified``, ``traditional``, ``mixed`` or ``none``."""
    han, traditional, simplified = script_counts(text)
    if han == 0:
        return "none"
    evidence = traditional + simplified
    minority = min(traditional, simplified)
    if minority >= _MINORITY_MIN and minority / evidence >= _MINORITY_SHARE:
        return "mixed"
    return "traditional" if traditional > simplified else "simplified"
