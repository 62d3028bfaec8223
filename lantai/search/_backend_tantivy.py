"""tantivy specifics: turning records into documents, and running compiled queries.

One ``Generation`` wraps one tantivy index directory. Readers use a manual reload policy:
``SearchIndex.reload()`` (called before each search by default) decides when a reader moves to
newer commits, which is what makes the outbox exclusion protocol exact (see ``__init__``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict

import tantivy

from ._analysis import fold, gram_tokens, unigram_stream, word_tokens
from ._counting import sample_tokens
from ._fields import INTEGER_FIELDS, KEYWORD_FIELDS
from ._impact import impact_tokens
from ._schema import build_schema, read_version, write_meta
from ._types import SearchDocument, WriterBusy, date_key

DEFAULT_HEAP = 128_000_000


class Analysed(TypedDict):
    """One record's tokens and display values, ready for tantivy (see :func:`analyse`)."""

    id: int
    bi: list[str]
    uni: str
    words: str
    impact: str
    title: tuple[str, str] | None  # (gram stream, unigram stream)
    ref: tuple[str, str] | None  # (gram stream, folded 档号)
    access: list[str]
    sample: list[str]
    keywords: dict[str, list[str]]  # the filter/facet fields of ``_fields``, by kind
    integers: dict[str, list[int]]
    date_key: int
    display: bytes


def analyse(doc: SearchDocument) -> Analysed:
    """All Python-side work for one record, as plain picklable values (so a rebuild can run
    the analysis in worker processes while the main process feeds tantivy)."""
    fref, ftitle, fbody = fold(doc.ref_code), fold(doc.title), fold(doc.body)
    display = {"ref_code": doc.ref_code, "title": doc.title, "date": doc.date, "body": doc.body}
    grams = [gram_tokens(p) for p in (fref, ftitle, fbody)]
    words = word_tokens(f"{fref} {ftitle}\n{fbody}")
    every_gram = [g for part in grams for g in part]
    return {
        "id": int(doc.id),
        "bi": [" ".join(part) for part in grams if part],
        "uni": unigram_stream(f"{fref} {ftitle} {fbody}"),
        "words": " ".join(words),
        "impact": " ".join(impact_tokens(every_gram, len(every_gram), len(words))),
        "title": (" ".join(grams[1]), unigram_stream(ftitle)) if ftitle else None,
        "ref": (" ".join(grams[0]), fref.strip()) if fref else None,
        "access": list(dict.fromkeys(doc.access)),
        "sample": sample_tokens(doc.id),
        "keywords": {f.name: f.keywords(doc) for f in KEYWORD_FIELDS},
        "integers": {f.name: f.numbers(doc) for f in INTEGER_FIELDS},
        "date_key": date_key(doc.date),
        "display": json.dumps(display, ensure_ascii=False).encode("utf-8"),
    }


def build_document(a: Analysed) -> tantivy.Document:
    """A tantivy document from :func:`analyse` output."""
    d = tantivy.Document()
    d.add_unsigned("id", a["id"])
    # Separate values of a multi-valued field get a position gap, so no phrase spans them.
    for stream in a["bi"]:
        d.add_text("bi", stream)
    d.add_text("uni", a["uni"])
    d.add_text("words", a["words"])
    d.add_text("impact", a["impact"])
    if a["title"]:
        d.add_text("title_bi", a["title"][0])
        d.add_text("title_uni", a["title"][1])
    if a["ref"]:
        d.add_text("ref_bi", a["ref"][0])
        d.add_text("ref_exact", a["ref"][1])
    for token in a["access"]:
        d.add_text("access", token)
    for token in a["sample"]:
        d.add_text("sample", token)
    for name, texts in a["keywords"].items():
        for text in texts:
            d.add_text(name, text)
    for name, numbers in a["integers"].items():
        for number in numbers:
            d.add_integer(name, number)
    d.add_integer("date_key", a["date_key"])
    d.add_bytes("display", a["display"])
    return d


def to_document(doc: SearchDocument) -> tantivy.Document:
    """A tantivy document carrying pre-made tokens (see ``_analysis``) and display values."""
    return build_document(analyse(doc))


class Generation:
    """One index generation directory (readers and, lazily, the single writer)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        if create:
            self.index = tantivy.Index(build_schema(), path=str(path), reuse=False)
            write_meta(path)
        else:
            self.index = tantivy.Index.open(str(path))
        self.version = read_version(path)
        self.index.config_reader(reload_policy="manual")
        self.schema = self.index.schema
        self._writer: tantivy.IndexWriter | None = None

    # --- writing ------------------------------------------------------------------------
    def writer(self, heap_size: int = DEFAULT_HEAP, threads: int = 0) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(heap_size, threads)
            except ValueError as exc:
                if "Lock" in str(exc):
                    raise WriterBusy(f"another process holds the writer of {self.path}") from exc
                raise
        return self._writer

    def close_writer(self) -> None:
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    # --- reading ------------------------------------------------------------------------
    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()


def load_display(
    searcher: tantivy.Searcher, address: tantivy.DocAddress
) -> tuple[int, dict[str, str | None]]:
    doc = searcher.doc(address)
    display = json.loads(bytes(doc["display"][0]).decode("utf-8"))
    return int(doc["id"][0]), display
