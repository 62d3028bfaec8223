"""The versioned tantivy schema.

``SCHEMA_VERSION`` changes whenever the fields *or the analysis* change (an index built with
other tokens is as stale as one with other fields). Each index generation directory carries a
``lantai-schema.json`` with the version it was built with; opening a generation whose version
differs reports ``needs_rebuild`` instead of failing on a field lookup deep inside a query.

Fields (``f`` = folded text, see ``_analysis``):

=============  ==========================  ====================================================
name           kind                        purpose
=============  ==========================  ====================================================
id             u64 indexed, fast, stored   DB primary key; delete/replace; exclusion of ids
bi             whitespace, positions       ref + title + body gram stream: matching, phrases
uni            whitespace, freqs           unigrams of ref + title + body: 1-char queries
words          whitespace, freqs           rjieba words of title + body: ranking only
impact         whitespace, basic           ``gram@level`` where a gram is dense (``_impact``)
title_bi       whitespace, positions       title gram stream: boosted ranking, ``title:``
title_uni      whitespace, basic           title unigrams: one-character ``title:`` queries
ref_bi         whitespace, positions       档号 gram stream: ``ref:`` by parts
ref_exact      raw                         folded 档号: ``ref:`` exact
access         raw, multi-valued           visibility tokens ('public', 'fonds:J001', …)
sample         raw, multi-valued           nested 1-in-2ⁿ samples ('s2' … 's1024') for estimates
(fields)       raw or i64, fast            the filter/facet fields of ``_fields.FIELDS``
                                           (fonds, year, category, topic, open_status)
date_key       i64 indexed, fast           ``date:`` range and date sort (YYYYMMDD, 00 = unknown)
display        bytes, stored               JSON {ref_code, title, date, body} of the original text
=============  ==========================  ====================================================

Display values are stored once, as one JSON blob, so fetching a hit is one stored-field read.
"""

from __future__ import annotations

import json
from pathlib import Path

import tantivy

from ._fields import INTEGER_FIELDS, KEYWORD_FIELDS

SCHEMA_VERSION = 3  # 2: the ``sample`` field; 3: the ``impact`` field
META_FILE = "lantai-schema.json"

GRAM_TOKENIZER = "whitespace"  # built into tantivy: splits on whitespace, nothing else.


def build_schema() -> tantivy.Schema:
    """The current schema (see the module docstring for what each field is for)."""
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("bi", tokenizer_name=GRAM_TOKENIZER, index_option="position")
    sb.add_text_field("uni", tokenizer_name=GRAM_TOKENIZER, index_option="freq")
    sb.add_text_field("words", tokenizer_name=GRAM_TOKENIZER, index_option="freq")
    sb.add_text_field("impact", tokenizer_name=GRAM_TOKENIZER, index_option="basic")
    sb.add_text_field("title_bi", tokenizer_name=GRAM_TOKENIZER, index_option="position")
    sb.add_text_field("title_uni", tokenizer_name=GRAM_TOKENIZER, index_option="basic")
    sb.add_text_field("ref_bi", tokenizer_name=GRAM_TOKENIZER, index_option="position")
    sb.add_text_field("ref_exact", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("access", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("sample", tokenizer_name="raw", index_option="basic")
    for keyword in KEYWORD_FIELDS:
        sb.add_text_field(keyword.name, tokenizer_name="raw", index_option="basic", fast=True)
    for integer in INTEGER_FIELDS:
        sb.add_integer_field(integer.name, indexed=True, fast=True)
    sb.add_integer_field("date_key", indexed=True, fast=True)
    sb.add_bytes_field("display", stored=True)
    return sb.build()


def write_meta(directory: Path) -> None:
    """Record the schema version a generation was built with."""
    (directory / META_FILE).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8"
    )


def read_version(directory: Path) -> int | None:
    """The schema version of a generation, or None when unknown/unreadable."""
    try:
        data = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        return int(data["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
