"""Impact tiers: records marked dense for a gram at indexing time let a common word be ranked
from a few records, with a ceiling that no unmarked record can reach — and the same hits as
ranking every match."""

from __future__ import annotations

import json
import random

import pytest
import tantivy

from lantai.search import AccessScope, _impact, _ranking, _tiers
from lantai.search._compile import Compiler
from lantai.search._impact import IMPACT_LEVELS, bm25_tf, cold_ceiling, impact_tokens
from lantai.search._query import parse
from tests.search.helpers import doc, ids

WORD = "央视网"
FILLER = "".join(chr(0x4E00 + i * 37) for i in range(400))  # varied grams, none of WORD's


def _body(rng: random.Random, length: int, times: int) -> str:
    start = rng.randrange(len(FILLER))
    text = (FILLER[start:] + FILLER)[:length]
    for _ in range(times):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + WORD + text[at:]
    return text


def _archive(seed: int, lengths: tuple[int, int], n: int = 300) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        public = rng.random() < 0.7
        out.append(
            doc(
                i,
                _body(rng, rng.randint(*lengths), rng.choice([0, 0, 0, 1, 1, 1, 2, 2, 3, 5, 8])),
                title=WORD + "报道" if rng.random() < 0.03 else "工作简报",
                open_status="open" if public else "closed",
                access=["fonds:J001"] + (["public"] if public else []),
            )
        )
    return out


@pytest.fixture
def common_everywhere(monkeypatch):
    """Treat every text as common, so that small test archives get impact tiers."""
    monkeypatch.setattr(_tiers, "IMPACT_FROM", 0)


@pytest.fixture
def answered_by(monkeypatch) -> list[int | None]:
    """Per search, the position in ``Compiled.tiers`` of the tier that answered (or None)."""
    seen: list[int | None] = []
    real = _ranking.top_hits

    def spy(searcher, schema, compiled, limit, offset, sort):
        answer = None
        for n, tier in enumerate(compiled.tiers):
            if _ranking._tiered(searcher, schema, tier, offset + limit) is not None:
                answer = n
                break
        seen.append(answer)
        return real(searcher, schema, compiled, limit, offset, sort)

    monkeypatch.setattr(_ranking, "top_hits", spy)
    monkeypatch.setattr("lantai.search._index.top_hits", spy)
    return seen


def _exhaustive(monkeypatch, index, query, scope, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(Compiler, "_single_text", lambda self, root: None)
        return index.search(query, scope, facets=False, **kwargs)


def test_dense_grams_are_marked_and_levels_nest():
    filler = [FILLER[i : i + 2] for i in range(300)] * 2  # 300 grams, each said twice
    long_once = impact_tokens(["央视", "视网", "网", *filler], 603, 300)
    assert long_once == []
    long_often = impact_tokens(["央视"] * 12 + filler, 612, 300)
    assert "央视@1" in long_often and not any(t[:2] in filler for t in long_often[1:])
    short = impact_tokens(["央视", "视网", "网"], 3, 1)
    assert set(short) == {f"{g}@{level}" for g in ["央视", "视网", "网"] for level in (0, 1)}
    for tokens in (long_often, short):
        strict = {t[:-2] for t in tokens if t.endswith("@0")}
        assert strict <= {t[:-2] for t in tokens if t.endswith("@1")}


def test_cold_ceiling_bounds_every_cold_record_and_is_tight():
    rng = random.Random(3)
    for level, theta in enumerate(IMPACT_LEVELS):
        for average in (40.0, 400.0, 520.0, 3000.0):
            ceiling = cold_ceiling(level, "bi", average)
            rho = min(1.0, _impact.FIELDNORM_FLOOR * _impact.REFERENCE_LENGTH["bi"] / average)
            best = 0.0
            for _ in range(20_000):
                tf, x = rng.randint(1, 5000), rng.uniform(0, 60)
                if bm25_tf(tf, x) < theta:  # cold at the reference length
                    best = max(best, bm25_tf(tf, rho * x))
            assert best <= ceiling
            assert best > ceiling * 0.97  # not a loose bound: records come close to it


def test_tantivy_rounds_field_lengths_no_lower_than_the_floor_assumed(tmp_path):
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("t", tokenizer_name="whitespace", index_option="freq")
    sb.add_unsigned_field("n", stored=True)
    schema = sb.build()
    index = tantivy.Index(schema, path=str(tmp_path))
    writer = index.writer(15_000_000, 1)
    lengths = [*range(1, 300), *range(300, 6000, 13), 20_000, 100_000]
    for length in lengths:
        d = tantivy.Document()
        d.add_text("t", " ".join(["x"] + ["y"] * (length - 1)))
        d.add_unsigned("n", length)
        writer.add_document(d)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    term = tantivy.Query.term_query(schema, "t", "x")
    for _, address in searcher.search(term, len(lengths)).hits:
        stored = searcher.doc(address)["n"][0]
        explained = json.loads(term.explain(searcher, address).to_json())
        assert _ranking._explained(explained, "dl,") >= _impact.FIELDNORM_FLOOR * stored


def test_archive_of_short_records_gets_no_impact_tier(make_index, common_everywhere):
    # Every record of a short archive is dense: a tier would hold most matches, and save nothing.
    index = make_index(_archive(5, (60, 200)))
    gen = index._require()
    compiled = Compiler(gen.schema, gen.searcher()).strict(parse(WORD), AccessScope.public())
    assert len(compiled.tiers) == 1  # the title tier only


@pytest.mark.parametrize("lengths", [(120, 600), (150, 900), (1200, 2500)])
def test_ceiling_is_above_every_score_outside_the_impact_tiers(
    make_index, common_everywhere, lengths
):
    index = make_index(_archive(5, lengths))
    gen = index._require()
    searcher = gen.searcher()
    compiled = Compiler(gen.schema, searcher).strict(parse(WORD), AccessScope.unrestricted())
    everyone = searcher.search(compiled.ranked, 1000, count=False).hits
    checked = 0
    for tier in compiled.tiers[1:]:
        inside = searcher.search(tier.query, 1000, count=False).hits
        ceiling = _ranking.outside_ceiling(searcher, gen.schema, tier, [a for _, a in inside])
        keys = {(a.segment_ord, a.doc) for _, a in inside}
        outside = [s for s, a in everyone if (a.segment_ord, a.doc) not in keys]
        assert ceiling is not None and outside and max(outside) < ceiling
        checked += 1
    assert checked


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("who", ["public", "everything"])
def test_impact_tiers_return_the_same_hits_as_exhaustive_ranking(
    monkeypatch, make_index, common_everywhere, answered_by, seed, who
):
    index = make_index(_archive(seed, (150, 900)))
    scope = AccessScope.public() if who == "public" else AccessScope.unrestricted()
    for query in (WORD, f"{WORD} -title:报道", "视网"):
        for page in (1, 2):
            fast = index.search(query, scope, facets=False, page=page, per_page=10)
            slow = _exhaustive(monkeypatch, index, query, scope, page=page, per_page=10)
            assert ids(fast) == ids(slow), (query, page)
            assert [h.score for h in fast.hits] == pytest.approx(
                [h.score for h in slow.hits], rel=1e-5
            )
    assert any(n is not None and n > 0 for n in answered_by)  # an impact tier did answer


def test_public_never_gets_closed_records_through_an_impact_tier(make_index, common_everywhere):
    dense_closed = [
        doc(i, WORD * 6, open_status="closed", access=["fonds:J001"]) for i in range(1, 61)
    ]
    public = [doc(100 + i, WORD + FILLER[: 300 + i]) for i in range(12)]
    index = make_index(dense_closed + public)
    result = index.search(WORD, AccessScope.public(), facets=False)
    assert sorted(ids(result)) == [100 + i for i in range(12)]
