"""The public search page shows only what the visibility policy allows."""

from __future__ import annotations

import pytest

from lantai.search.indexer import apply_outbox
from tests.factories import make_item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def indexed(fonds):
    make_item(
        fonds,
        title="蘭臺縣減租減息佈告",
        text="本府決定實行減租減息。",
        open_status="open",
        year=1942,
    )
    make_item(fonds, title="减租工作内部检查报告", text="内部减租检查。", open_status="closed")
    apply_outbox()


def test_simplified_query_finds_traditional_record_with_traditional_snippet(client, indexed):
    body = client.get("/search", {"q": "减租减息"}).content.decode()
    assert "蘭臺縣減租減息佈告" in body
    assert "<mark>減租減息</mark>" in body


def test_public_search_page_never_shows_closed_record_or_counts_it(client, indexed):
    body = client.get("/search", {"q": "减租"}).content.decode()
    assert "内部检查报告" not in body
    assert "共 <strong>1</strong> 条结果" in body


def test_malformed_query_degrades_instead_of_failing(client, indexed):
    for query in ['"减租', "OR OR -", "date:abc..", "title:", "((("]:
        assert client.get("/search", {"q": query}).status_code == 200


def test_empty_search_page_shows_the_box(client, db):
    body = client.get("/search").content.decode()
    assert 'name="q"' in body


def test_facet_links_refine_the_query(client, indexed):
    body = client.get("/search", {"q": "减租"}).content.decode()
    assert "fonds%3AJ001" in body
