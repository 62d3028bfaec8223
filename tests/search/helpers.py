"""Helpers shared by the search tests (plain functions, imported explicitly)."""

from __future__ import annotations

import json

from lantai.search import SearchDocument
from tests.shared_data import require_shared_data


def doc(id: int, body: str = "", **fields: object) -> SearchDocument:
    """A record visible to the public unless ``access`` says otherwise."""
    fields.setdefault("access", ["public"])
    fields.setdefault("open_status", "open")
    return SearchDocument(id=id, body=body, **fields)  # type: ignore[arg-type]


def ids(result) -> list[int]:
    return [h.id for h in result.hits]


def real_records(limit: int) -> list[dict]:
    """Records from the shared news and law corpora, or a skip when they are absent."""
    news = require_shared_data("news-xwlb/stories-2022-2025.jsonl")
    laws = require_shared_data("gov-laws/laws.jsonl")
    out: list[dict] = []
    for path in (news, laws):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                if n >= limit // 2:
                    break
                rec = json.loads(line)
                out.append({"title": rec["title"], "text": rec["text"][:3000]})
    return out
