"""The query language (architecture §7): a parser that never raises, producing a small AST.

Syntax, after NFKC (so full-width ``＂``, ``－`` and ``：`` typed with a Chinese IME work too):

* ``a b``          both terms (AND is the default)
* ``"a b"``        exact phrase (adjacent across the space; punctuation-insensitive)
* ``a OR b``       either (``OR`` in capitals; binds tighter than the implicit AND)
* ``-a``           exclude (also ``-"a b"`` and ``-field:value``)
* ``title:x``, ``ref:x``, ``fonds:x``, ``type:x`` (门类), ``date:2019..2021``
  (also ``date:2019``, ``date:2019-03..2020``, ``date:..2020``, ``date:2019-2021``)

Degradation rules (a malformed query becomes plain words, never an error): an unclosed quote
runs to the end; a dangling ``OR`` or a bare ``-`` is dropped; an unknown field or an unparsable
date is kept as a plain word (``foo:bar`` searches for foo and bar adjacent).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypeGuard

from ._fields import KEYWORD_ALIASES, KEYWORD_FIELDS, TEXT_ALIASES
from ._types import MAX_QUERY_CHARS

KEYWORD_NAMES = frozenset(f.name for f in KEYWORD_FIELDS)

MAX_CLAUSES = 64

_FIELDS = {**TEXT_ALIASES, **KEYWORD_ALIASES}
_FIELD_PREFIX = re.compile(r"^([A-Za-z]+):(.*)$", re.S)
_DATE_PART = r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
_DATE_RANGE = re.compile(rf"^({_DATE_PART})?(?:\.\.|~)({_DATE_PART})?$")
_DATE_SINGLE = re.compile(rf"^({_DATE_PART})$")
_YEAR_DASH = re.compile(r"^(\d{4})-(\d{4})$")


@dataclass(frozen=True, slots=True)
class Text:
    """Free text. ``field`` is None (anywhere), 'title' or 'ref'."""

    value: str
    quoted: bool = False
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Keyword:
    """Exact filter on a code field ('fonds' or 'category')."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive bounds as date keys (YYYYMMDD, see ``_types.date_key``); None = open."""

    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Text | Keyword | DateRange | Not | And | Or


@dataclass(frozen=True, slots=True)
class _Lexeme:
    text: str
    quoted: bool = False
    negated: bool = False
    is_or: bool = False


def parse(query: str) -> And:
    """Parse any input into an ``And`` node; never raises."""
    try:
        return _parse(query if isinstance(query, str) else "")
    except Exception:  # a last line of defence: fall back to the words themselves
        words = str(query)[:MAX_QUERY_CHARS].replace('"', " ").split()
        return And(tuple(Text(w) for w in words[:MAX_CLAUSES]))


def _parse(query: str) -> And:
    text = unicodedata.normalize("NFKC", query[:MAX_QUERY_CHARS])
    groups: list[list[Node]] = []
    pending_or = False
    for lexeme in _lex(text):
        if lexeme.is_or:
            pending_or = bool(groups)
            continue
        node = _node(lexeme)
        if node is None:
            continue
        if pending_or and groups:
            groups[-1].append(node)
        else:
            groups.append([node])
        pending_or = False
    children = tuple(g[0] if len(g) == 1 else Or(tuple(g)) for g in groups[:MAX_CLAUSES])
    return And(children)


def _lex(text: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            out.append(_Lexeme(text[i + 1 : end], quoted=True, negated=negated))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        word = text[start:i]
        # field:"quoted value"
        if word.endswith(":") and i < n and text[i] == '"' and _FIELD_PREFIX.match(word):
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            out.append(_Lexeme(word + text[i + 1 : end], quoted=True, negated=negated))
            i = end + 1
            continue
        if word == "OR" and not negated:
            out.append(_Lexeme("", is_or=True))
        elif word:
            out.append(_Lexeme(word, negated=negated))
    return out


def _node(lexeme: _Lexeme) -> Node | None:
    node = _positive_node(lexeme)
    if node is None:
        return None
    return Not(node) if lexeme.negated else node


def _positive_node(lexeme: _Lexeme) -> Node | None:
    text = lexeme.text
    m = _FIELD_PREFIX.match(text)
    name = _FIELDS.get(m[1].lower()) if m else None
    if m and m[1].lower() == "date":
        rng = parse_date_range(m[2].strip())
        if rng is not None:
            return rng
    elif m and name and m[2].strip():
        value = m[2].strip()
        if name in KEYWORD_NAMES:
            return Keyword(name, value)
        return Text(value, quoted=lexeme.quoted, field=name)
    if not text.strip():
        return None
    return Text(text, quoted=lexeme.quoted)


def parse_date_range(value: str) -> DateRange | None:
    """``2019..2021`` and friends → DateRange, or None when it is not a date range."""
    m = _YEAR_DASH.match(value)
    if m:
        low, high = m[1], m[2]
    elif _DATE_SINGLE.match(value):
        low = high = value
    else:
        m = _DATE_RANGE.match(value)
        if not m or not (m[1] or m[2]):
            return None
        low, high = m[1], m[2]
    lo = _bound(low, upper=False) if low else None
    hi = _bound(high, upper=True) if high else None
    if (low and lo is None) or (high and hi is None):
        return None
    return DateRange(lo, hi)


def _bound(value: str, *, upper: bool) -> int | None:
    parts = [int(p) for p in value.split("-")]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return None
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        return None
    year, month, day = [*parts, 0, 0][:3]
    if upper:
        month = month or 99
        day = day or 99
    return year * 10000 + month * 100 + day


def positive_texts(node: Node) -> list[Text]:
    """Text leaves that are not under a ``Not`` (what a snippet should highlight)."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, And | Or):
        return [t for c in node.children for t in positive_texts(c)]
    return []


def is_free(node: Node) -> TypeGuard[Text]:
    """An unquoted, unfielded text leaf: the only kind the relaxed fallback may loosen."""
    return isinstance(node, Text) and not node.quoted and node.field is None


def relax(root: And) -> tuple[And, list[Text]]:
    """Split the top level into the strict part and the free text to match loosely.

    Returns the remaining AND (filters, phrases, exclusions, ORs containing anything else) and
    the free-text leaves (top-level ones and those of ORs made only of free text).
    """
    keep: list[Node] = []
    loose: list[Text] = []
    for child in root.children:
        if is_free(child):
            loose.append(child)
        elif isinstance(child, Or) and all(is_free(c) for c in child.children):
            loose.extend(c for c in child.children if is_free(c))
        else:
            keep.append(child)
    return And(tuple(keep)), loose
