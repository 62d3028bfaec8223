"""Facet counts are exact and cover only what the searcher may see (architecture §7–8)."""

from __future__ import annotations

import collections
import random

import pytest

from lantai.search import FACET_NAMES, AccessScope, SearchDocument
from lantai.search import _index as index_module
from tests.search.helpers import doc

FONDS = ["J001", "J002", "J003"]
TOPICS = ["经济", "民生", "法治"]


def _records(n: int = 90) -> list[SearchDocument]:
    rng = random.Random(3)
    out = []
    for i in range(1, n + 1):
        fonds = rng.choice(FONDS)
        public = rng.random() < 0.6
        out.append(
            doc(
                i,
                "档案工作会议" if i % 3 else "财政预算报告",
                date=f"{rng.randint(1990, 1995)}-05-01",
                fonds=fonds,
                category=rng.choice(["WS", "ZP"]),
                topics=rng.sample(TOPICS, rng.randint(0, 2)),
                open_status="open" if public else "closed",
                access=[f"fonds:{fonds}"] + (["public"] if public else []),
            )
        )
    return out


def _expected(records: list[SearchDocument], word: str, tokens: set[str]) -> dict:
    seen = [r for r in records if word in r.body and tokens & set(r.access)]
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in seen:
        counts["fonds"][r.fonds] += 1
        counts["category"][r.category] += 1
        counts["year"][r.date[:4]] += 1
        counts["open_status"][r.open_status] += 1
        counts["topic"].update(r.topics)
    return {"total": len(seen), **{name: dict(counts[name]) for name in FACET_NAMES}}


@pytest.fixture
def records():
    return _records()


@pytest.fixture
def index(make_index, records):
    return make_index(records)


def _observed(result) -> dict:
    return {"total": result.total, **result.facets}


@pytest.mark.parametrize(
    "tokens",
    [{"public"}, {"public", "fonds:J002"}, {"fonds:J001", "fonds:J003"}],
    ids=["public", "staff of one fonds", "staff of two fonds only"],
)
def test_facet_counts_equal_the_exact_counts_of_the_visible_matches(index, records, tokens):
    result = index.search("档案", AccessScope(tokens), per_page=5)
    assert _observed(result) == _expected(records, "档案", tokens)


def test_public_counts_never_include_a_record_only_staff_may_see(index, records):
    public = index.search("档案", AccessScope.public())
    staff = index.search("档案", AccessScope(["public", "fonds:J001"]))
    closed_j001 = [r for r in records if "档案" in r.body and r.access == ["fonds:J001"]]
    assert closed_j001, "the fixture needs closed records of J001"
    assert staff.total - public.total == len(closed_j001)
    assert "closed" not in public.facets["open_status"]


def test_many_access_tokens_count_like_few(index, records):
    tokens = {"public", "fonds:J002"} | {f"fonds:X{i}" for i in range(40)}
    many = index.search("档案", AccessScope(tokens))
    few = index.search("档案", AccessScope({"public", "fonds:J002"}))
    assert _observed(many) == _observed(few) == _expected(records, "档案", tokens)


def test_only_the_facets_asked_for_are_counted(index):
    result = index.search("档案", AccessScope.public(), facets=["fonds", "year"])
    assert result.facets["fonds"] and result.facets["year"]
    assert result.facets["topic"] == result.facets["category"] == {}
    assert result.facets["open_status"] == {}


def test_no_facets_leaves_every_facet_empty_but_still_counts_the_total(index, records):
    result = index.search("档案", AccessScope.public(), facets=False)
    assert all(counts == {} for counts in result.facets.values())
    assert result.total == _expected(records, "档案", {"public"})["total"]


def test_serial_and_parallel_counting_give_the_same_facets(index, monkeypatch):
    parallel = index.search("档案 OR 财政", AccessScope.public())
    monkeypatch.setattr(index_module, "PARALLEL_FACETS", False)
    serial = index.search("档案 OR 财政", AccessScope.public())
    assert _observed(serial) == _observed(parallel)


def test_relaxed_fallback_counts_the_facets_of_its_own_matches(index, records):
    result = index.search("财政档案", AccessScope.public())
    matches = [r for r in records if "public" in r.access]  # every body shares a gram
    assert result.relaxed and result.total == len(matches)
    assert sum(result.facets["fonds"].values()) == len(matches)


def test_closing_a_record_changes_the_public_counts_on_the_next_search(index, records):
    before = index.search("档案", AccessScope.public())
    target = next(r for r in records if "public" in r.access and "档案" in r.body)
    target.access, target.open_status = [f"fonds:{target.fonds}"], "closed"
    index.add_or_replace([target])
    index.commit()
    after = index.search("档案", AccessScope.public())
    assert after.total == before.total - 1
    assert after.facets["fonds"][target.fonds] == before.facets["fonds"][target.fonds] - 1
    assert target.id not in {h.id for h in after.hits}


def test_a_pending_hiding_change_is_excluded_from_counts_before_it_is_applied(index, records):
    target = next(r for r in records if "public" in r.access and "档案" in r.body)
    before = index.search("档案", AccessScope.public())
    after = index.search("档案", AccessScope.public(exclude_ids={target.id}))
    assert after.total == before.total - 1
    assert after.facets["fonds"][target.fonds] == before.facets["fonds"][target.fonds] - 1
