"""The ranking shortcuts for single-term queries (the title tier with its score ceiling, and
candidates checked by the engine's own filter; impact tiers: test_impact.py) return exactly
the hits the exhaustive ranking would, and never a record the searcher may not see."""

from __future__ import annotations

import random

import pytest

from lantai.search import AccessScope, _ranking
from lantai.search._compile import Compiler
from lantai.search._query import parse
from tests.search.helpers import doc, ids

WORDS = ["档案", "会议", "防汛", "预算", "扶贫", "疫情"]
FONDS = ["J001", "J002", "J003"]


def _records(n: int = 600) -> list:
    rng = random.Random(11)
    out = []
    for i in range(1, n + 1):
        words = rng.sample(WORDS, 3)
        body = "，".join(w * rng.randint(1, 4) + "工作" * rng.randint(0, 6) for w in words)
        fonds = rng.choice(FONDS)
        public = rng.random() < 0.5
        out.append(
            doc(
                i,
                body,
                title=rng.choice(WORDS) + "通知" * rng.randint(1, 3),
                date=f"{rng.randint(1990, 2020)}-01-01",
                fonds=fonds,
                open_status="open" if public else "closed",
                access=[f"fonds:{fonds}"] + (["public"] if public else []),
            )
        )
    return out


@pytest.fixture
def index(make_index):
    return make_index(_records())


def _exhaustive(monkeypatch, index, query, scope, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(Compiler, "_single_text", lambda self, root: None)
        return index.search(query, scope, facets=False, **kwargs)


def _same_ranking(fast, slow) -> bool:
    # Summing the same clauses in another order may change the last bit of a float score.
    return ids(fast) == ids(slow) and [h.score for h in fast.hits] == pytest.approx(
        [h.score for h in slow.hits], rel=1e-5
    )


QUERIES = [
    "档案",
    "防汛",
    "档",
    '"预算"',
    "扶贫 date:2000..2010",
    "疫情 fonds:J002",
    "会议 -预算",
    "会议 -title:防汛",
    "档案馆",
    '"防汛 预算"',
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("who", ["public", "fonds", "everything"])
def test_pruned_ranking_returns_the_same_hits_as_exhaustive_ranking(monkeypatch, index, query, who):
    scope = {
        "public": AccessScope.public(),
        "fonds": AccessScope(["fonds:J001", "public"]),
        "everything": AccessScope.unrestricted(),
    }[who]
    for page in (1, 3):
        fast = index.search(query, scope, facets=False, page=page, per_page=10)
        slow = _exhaustive(monkeypatch, index, query, scope, page=page, per_page=10)
        assert _same_ranking(fast, slow), (query, who, page)
        assert fast.total == slow.total


def test_shortcuts_are_built_for_one_text_plus_filters_only(index):
    compiler = Compiler(index._require().schema)
    scope = AccessScope.public()
    for query in ["档案", "档", "档案 date:2019", "档案 -草稿", "档案 fonds:J001"]:
        compiled = compiler.strict(parse(query), scope)
        assert compiled.unfiltered is not None and compiled.tiers, query
    for query in ["档案馆", '"档案 会议"', "档案馆 date:2019"]:  # phrases: the tiers only
        compiled = compiler.strict(parse(query), scope)
        assert compiled.unfiltered is None and compiled.tiers, query
    for query in ["档案 会议", "title:档案", "档案 OR 会议", "ref:J001", "date:2019", "档案。会"]:
        compiled = compiler.strict(parse(query), scope)
        assert compiled.unfiltered is None and not compiled.tiers, query


def test_public_never_gets_closed_records_that_outscore_every_public_one(make_index):
    # 300 closed records say the word many times; the 5 public ones say it once, in long text.
    closed = [
        doc(i, "独角兽" * 8, open_status="closed", access=["fonds:J001"]) for i in range(1, 301)
    ]
    public = [doc(1000 + i, "独角兽" + "其他内容" * 40) for i in range(5)]
    index = make_index(closed + public)
    result = index.search("独角兽", AccessScope.public(), facets=False)
    assert sorted(ids(result)) == [1000, 1001, 1002, 1003, 1004]
    assert result.total == 5


def test_pruned_ranking_falls_back_to_exhaustive_when_candidates_run_out(monkeypatch, make_index):
    monkeypatch.setattr(_ranking, "MAX_K", 64)
    closed = [
        doc(i, "独角兽" * 8, open_status="closed", access=["fonds:J001"]) for i in range(1, 301)
    ]
    index = make_index([*closed, doc(999, "独角兽" + "其他内容" * 40)])
    assert ids(index.search("独角兽", AccessScope.public(), facets=False)) == [999]


def test_pending_exclusion_applies_to_pruned_ranking(index):
    top = index.search("档案", AccessScope.public(), facets=False, per_page=1).hits[0].id
    hidden = AccessScope.public(exclude_ids=[top])
    assert top not in ids(index.search("档案", hidden, facets=False, per_page=100))


@pytest.fixture
def tier_answers(monkeypatch) -> list[bool]:
    """Records, per search, whether the title tier gave the answer."""
    seen: list[bool] = []
    real = _ranking._tiered

    def spy(*args, **kwargs):
        found = real(*args, **kwargs)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(_ranking, "_tiered", spy)
    return seen


def _titled_archive(make_index, titled: int, word: str = "麒麟"):
    # Records with the word in the title outscore the 200 that only say it in the body.
    body_only = [doc(i, word * 3 + "其他内容" * 10, title="工作简报") for i in range(1, 201)]
    titled_docs = [
        doc(1000 + i, word + "其他内容" * i, title=f"{word}调查第{i}期") for i in range(titled)
    ]
    return make_index(body_only + titled_docs)


@pytest.mark.parametrize("word", ["麒麟", "独角兽"])  # a term, and a phrase of two grams
def test_title_tier_answers_when_title_matches_outscore_the_rest(
    monkeypatch, make_index, tier_answers, word
):
    index = _titled_archive(make_index, titled=30, word=word)
    fast = index.search(word, AccessScope.public(), facets=False)
    assert tier_answers == [True]
    assert _same_ranking(fast, _exhaustive(monkeypatch, index, word, AccessScope.public()))
    assert all(h.id >= 1000 for h in fast.hits)


def test_title_tier_steps_aside_when_it_cannot_fill_the_page(monkeypatch, make_index, tier_answers):
    index = _titled_archive(make_index, titled=4)
    fast = index.search("麒麟", AccessScope.public(), facets=False)
    assert tier_answers == [False]
    assert _same_ranking(fast, _exhaustive(monkeypatch, index, "麒麟", AccessScope.public()))
    assert len(fast.hits) == 20


def test_title_tier_steps_aside_when_the_ceiling_is_not_cleared(
    monkeypatch, make_index, tier_answers
):
    monkeypatch.setattr(_ranking, "CEILING_MARGIN", 1e6)  # as if bodies could score anything
    index = _titled_archive(make_index, titled=30)
    fast = index.search("麒麟", AccessScope.public(), facets=False)
    assert tier_answers == [False]
    assert _same_ranking(fast, _exhaustive(monkeypatch, index, "麒麟", AccessScope.public()))


@pytest.mark.parametrize("word", ["麒麟", "独角兽"])
def test_ceiling_is_above_every_score_outside_the_title_tier(make_index, word):
    index = _titled_archive(make_index, titled=30, word=word)
    gen = index._require()
    searcher, compiler = gen.searcher(), Compiler(gen.schema)
    compiled = compiler.strict(parse(word), AccessScope.public())
    title_tier = compiled.tiers[0]
    inside = [a for _, a in searcher.search(title_tier.query, 3, count=False).hits]
    ceiling = _ranking.outside_ceiling(searcher, gen.schema, title_tier, inside)
    outside = [h for h in index.search(word, AccessScope.public(), per_page=100).hits]
    body_scores = [h.score for h in outside if h.id < 1000]
    assert body_scores and ceiling is not None and max(body_scores) < ceiling
