"""Text analysis shared by indexing and querying (architecture §7).

Everything runs in Python, once, identically on both sides; tantivy only receives pre-made
tokens, space-joined, in fields that use its ``whitespace`` tokenizer (which assigns one position
per token and does nothing else). Design decisions:

* **Folding** is :func:`lantai.text.normalise.fold_for_search` (NFKC, full-width → half-width,
  OpenCC t2s with variants, lower-case). The original text is never altered; only its folded form
  is tokenised.
* **Runs.** The folded text is cut into *runs* of word characters (letters of any script and
  digits; punctuation, whitespace and ``_`` break runs). Positions count word characters only,
  so punctuation occupies no position: a phrase query needs its characters adjacent *within*
  runs, and at a run break it needs *some* break in the record (``国，中`` matches ``国。中``).
* **The gram stream** (field ``bi``) emits exactly one token per word character: the bigram
  starting at that character, or, at the last character of a run, that character alone. One
  token per position is what lets the whitespace tokenizer produce correct positions. Any query
  whose characters are a literal substring of a record produces, position for position, tokens
  the record also has (see :func:`query_grams`), so substring search is exact and complete.
  Latin letters and digits are treated the same way, which makes ``001-ws`` findable inside
  ``j001-ws·2020``.
* **Unigrams** (field ``uni``, frequencies only) serve one-character queries.
* **Words** (field ``words``) come from rjieba and feed ranking only; Latin/number tokens are
  kept whole there, so ``bgs`` or ``2020`` as a word scores like a word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import rjieba

from lantai.text.normalise import fold_for_search

# A run of word characters: \w without the underscore (underscore is punctuation to readers).
_RUN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """The single normal form used for indexing and querying."""
    return fold_for_search(text)


def runs(folded: str) -> list[str]:
    """Runs of word characters in already-folded text."""
    return _RUN.findall(folded)


def gram_tokens(folded: str) -> list[str]:
    """One token per word character: the bigram starting there, or the run's last character."""
    out: list[str] = []
    for run in _RUN.findall(folded):
        # map() over (run, run[1:]) stops one short, giving exactly the len-1 bigrams.
        out.extend(map(str.__add__, run, run[1:]))
        out.append(run[-1])
    return out


def unigram_stream(folded: str) -> str:
    """The ``uni`` field's value: every word character, space-joined."""
    return " ".join("".join(_RUN.findall(folded)))


def word_tokens(folded: str) -> list[str]:
    """rjieba words that contain a word character (punctuation and spaces dropped).

    rjieba keeps codes such as ``j001-ws`` together; such a token is kept whole *and* split
    into its runs, so a code ranks as a word both whole and by its parts.
    """
    out: list[str] = []
    for word in rjieba.cut(folded):
        parts = _RUN.findall(word)
        if len(parts) > 1 and not any(c.isspace() for c in word):
            out.append(word)
        out.extend(parts)
    return out


@dataclass(frozen=True, slots=True)
class QueryGrams:
    """How one query string must appear in the ``bi`` stream.

    ``phrase`` lists ``(offset, token)`` pairs that must all occur at those relative positions;
    ``loose`` lists single characters that must occur (in ``uni``) but whose position cannot be
    pinned down (see :func:`query_grams`); ``bag`` holds every bigram (or lone character) for
    the relaxed, ranked-OR fallback.
    """

    phrase: tuple[tuple[int, str], ...]
    loose: tuple[str, ...]
    bag: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.phrase and not self.loose


@functools.lru_cache(maxsize=4096)
def query_grams(folded: str) -> QueryGrams:
    """Translate folded query text into position-exact tokens of the ``bi`` stream.

    Inside a run every character but the last yields its bigram, which the record has at the
    same relative position. A run that is followed by more query text ends at a break the
    record shares, so its last character is a lone-character token in the record too. The very
    last character of the query has no such guarantee (the record may continue the run), so it
    is only required positionally as part of the preceding bigram; if the final run is a single
    character it goes to ``loose`` (checked through the unigram field, position unchecked).
    """
    rs = _RUN.findall(folded)
    phrase: list[tuple[int, str]] = []
    loose: list[str] = []
    bag: list[str] = []
    pos = 0
    for i, run in enumerate(rs):
        last_run = i == len(rs) - 1
        pairs = list(map(str.__add__, run, run[1:]))
        bag.extend(pairs or [run])
        phrase.extend((pos + k, g) for k, g in enumerate(pairs))
        if not last_run:
            phrase.append((pos + len(run) - 1, run[-1]))
        elif len(run) == 1:
            loose.append(run)
        pos += len(run)
    return QueryGrams(tuple(phrase), tuple(loose), tuple(bag))


def dedupe(items: Iterable[str]) -> list[str]:
    """Order-preserving de-duplication."""
    return list(dict.fromkeys(items))
