"""The search field table drives the schema, the documents, the facets and the query keywords."""

from __future__ import annotations

import pytest

from lantai.search import (
    FACET_NAMES,
    FIELDS,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    STAFF_ONLY_FACETS,
    AccessScope,
    SearchIndex,
)
from tests.search.helpers import doc, ids

RECORDS = [
    doc(1, "档案工作", fonds="J001", category="WS", topics=["民生"], date="2019-05-01"),
    doc(2, "档案工作", fonds="J002", category="ZP", topics=["经济", "民生"], date="2021-01-02"),
    doc(3, "档案工作", fonds="J002", category="WS", open_status="closed", date="2021"),
]


@pytest.fixture
def archive(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.add_or_replace(RECORDS)
    index.commit()
    return index


def test_every_facet_of_the_table_is_counted_from_the_documents(archive):
    result = archive.search("档案", AccessScope.unrestricted())
    assert tuple(result.facets) == FACET_NAMES
    assert result.facets["fonds"] == {"J001": 1, "J002": 2}
    assert result.facets["year"] == {"2019": 1, "2021": 2}
    assert result.facets["category"] == {"WS": 2, "ZP": 1}
    assert result.facets["topic"] == {"民生": 2, "经济": 1}
    assert result.facets["open_status"] == {"open": 2, "closed": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("fonds:J002", [2, 3]), ("type:WS", [1, 3]), ("date:2021", [2, 3]), ("fonds:J001", [1])],
)
def test_a_fields_query_keyword_narrows_to_its_value(archive, query, expected):
    result = archive.search(f"档案 {query}", AccessScope.unrestricted())
    assert sorted(ids(result)) == expected


def test_every_keyword_field_with_an_alias_filters_exactly():
    aliased = {f.alias for f in FIELDS if f.alias}
    assert aliased == {"fonds", "type", "date"}


def test_staff_only_facets_are_flagged_in_the_table():
    assert STAFF_ONLY_FACETS == ("open_status",)


def test_the_engine_applies_the_page_bounds(archive):
    result = archive.search("档案", AccessScope.unrestricted(), page=10**9, per_page=10**9)
    assert result.page == MAX_PAGE and result.per_page == MAX_PER_PAGE and result.hits == []
    result = archive.search("档案", AccessScope.unrestricted(), page=-3, per_page=0)
    assert result.page == 1 and result.per_page == 1 and len(result.hits) == 1


def test_the_engine_cuts_a_query_at_the_shared_length(archive):
    # The words past the bound are not read: a NOT clause there would otherwise hide record 1.
    long_query = "档案" + " " * (MAX_QUERY_CHARS - 2) + " -fonds:J001"
    result = archive.search(long_query, AccessScope.unrestricted())
    assert 1 in ids(result)
    assert 1 not in ids(archive.search("档案 -fonds:J001", AccessScope.unrestricted()))


def test_a_result_has_one_json_shape_without_scores_for_the_public(archive):
    result = archive.search("档案", AccessScope.public())
    shown = result.as_json()
    assert set(shown) == {"total", "total_estimated", "page", "relaxed", "hits", "facets"}
    assert set(shown["hits"][0]) == {"ref_code", "title", "date", "snippet"}
    assert set(result.as_json(detail=True)["hits"][0]) == {
        "id",
        "ref_code",
        "title",
        "date",
        "snippet",
        "score",
    }
