"""Fixtures for the search engine tests: tiny indexes in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from lantai.search import AccessScope, SearchDocument, SearchIndex


@pytest.fixture
def make_index(tmp_path: Path) -> Callable[[Iterable[SearchDocument]], SearchIndex]:
    def build(docs: Iterable[SearchDocument]) -> SearchIndex:
        index = SearchIndex(tmp_path / "index", heap_size=15_000_000, writer_threads=1)
        index.add_or_replace(docs)
        index.commit()
        return index

    return build


@pytest.fixture
def public() -> AccessScope:
    return AccessScope.public()


@pytest.fixture
def everything() -> AccessScope:
    return AccessScope.unrestricted()
