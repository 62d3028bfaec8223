"""Totals and facet counts: exact for ordinary result sets, estimated from the fixed sample for
huge ones — and in both cases made only of records the searcher may see."""

from __future__ import annotations

import random

import pytest

from lantai.search import AccessScope, _counting
from tests.search.helpers import doc

FONDS = ["J001", "J002", "J003"]


@pytest.fixture
def small_thresholds(monkeypatch):
    """Huge-set behaviour on a test-sized index: exact only up to 200 matches."""
    monkeypatch.setattr(_counting, "EXACT_UP_TO", 200)
    monkeypatch.setattr(_counting, "SAMPLE_TARGET", 1000)
    monkeypatch.setattr(_counting, "MIN_SAMPLED", 100)
    monkeypatch.setattr(_counting, "SAMPLE_GAIN", 0)  # a 4,000-record index: always sample


def _archive(n: int = 4000) -> list:
    rng = random.Random(5)
    out = []
    for i in range(1, n + 1):
        fonds = rng.choice(FONDS)
        public = fonds != "J003" and rng.random() < 0.7  # J003 is entirely closed
        out.append(
            doc(
                i,
                "防汛工作通知" if i % 4 else "财政预算",
                date=f"{rng.randint(1990, 2020)}-06-01",
                fonds=fonds,
                open_status="open" if public else "closed",
                access=[f"fonds:{fonds}"] + (["public"] if public else []),
            )
        )
    return out


@pytest.fixture
def archive(make_index):
    records = _archive()
    return records, make_index(records)


def _visible(records, word, tokens=frozenset({"public"})):
    return [r for r in records if word in r.body and tokens & set(r.access)]


def _close(estimate: int, real: int, rate: int) -> bool:
    """Within four standard deviations of a 1-in-``rate`` binomial sample, scaled up."""
    return abs(estimate - real) <= 4 * (real * rate) ** 0.5


def test_ordinary_result_counts_are_exact(archive):
    records, index = archive
    result = index.search("财政", AccessScope.public())
    assert not result.estimated
    assert result.total == len(_visible(records, "财政"))


def test_huge_result_counts_are_estimated_from_the_sample(archive, small_thresholds):
    records, index = archive
    result = index.search("防汛", AccessScope.public())
    truth = _visible(records, "防汛")
    rate = _counting.rate_for(sum("防汛" in r.body for r in records))
    assert result.estimated and rate > 1
    assert _close(result.total, len(truth), rate)
    for fonds in ("J001", "J002"):
        assert _close(result.facets["fonds"][fonds], sum(r.fonds == fonds for r in truth), rate)


def test_estimated_counts_come_only_from_visible_records(archive, small_thresholds):
    _, index = archive
    result = index.search("防汛", AccessScope.public())
    assert result.estimated
    assert "J003" not in result.facets["fonds"]  # every J003 record is closed
    assert "closed" not in result.facets["open_status"]


def test_estimate_gives_way_to_exact_count_when_filters_leave_few(archive, small_thresholds):
    records, index = archive
    result = index.search("防汛 date:1990..1990", AccessScope.public())
    truth = [r for r in _visible(records, "防汛") if r.date.startswith("1990")]
    assert not result.estimated
    assert result.total == len(truth)


def test_no_sample_is_taken_when_it_would_walk_as_many_records(archive, monkeypatch):
    monkeypatch.setattr(_counting, "EXACT_UP_TO", 200)
    monkeypatch.setattr(_counting, "SAMPLE_TARGET", 1500)  # 1 in 2: 2,000 of 4,000 records,
    records, index = archive  # not half the 3,000 that hold the word
    result = index.search("防汛", AccessScope.public())
    assert not result.estimated
    assert result.total == len(_visible(records, "防汛"))


def test_thin_sample_gives_way_to_a_denser_one(archive, monkeypatch):
    monkeypatch.setattr(_counting, "EXACT_UP_TO", 100)
    monkeypatch.setattr(_counting, "SAMPLE_TARGET", 100)  # 3,000 records with the word: 1 in 32
    monkeypatch.setattr(_counting, "MIN_SAMPLED", 50)
    monkeypatch.setattr(_counting, "SAMPLE_GAIN", 0)
    records, index = archive
    truth = [r for r in _visible(records, "防汛") if "2000" <= r.date[:4] <= "2020"]
    result = index.search("防汛 date:2000..2020", AccessScope.public())
    assert result.estimated  # the 1-in-32 sample holds ~30; what it found picks 1 in 8
    assert _close(result.total, len(truth), 16)


def test_pages_of_an_estimated_result_are_still_exact_hits(archive, small_thresholds):
    records, index = archive
    visible = {r.id for r in _visible(records, "防汛")}
    result = index.search("防汛", AccessScope.public(), per_page=50)
    assert result.estimated and len(result.hits) == 50
    assert {h.id for h in result.hits} <= visible


def test_sample_tokens_are_nested_and_take_their_share():
    members = {rate: 0 for rate in _counting.SAMPLE_RATES}
    for record_id in range(1, 100_001):
        tokens = _counting.sample_tokens(record_id)
        rates = sorted(int(t[1:]) for t in tokens)
        assert rates == list(_counting.SAMPLE_RATES[: len(rates)])  # s4 members are in s2 …
        for rate in rates:
            members[rate] += 1
    for rate in (2, 16, 128, 1024):
        expected = 100_000 / rate
        assert abs(members[rate] - expected) < 4 * expected**0.5  # four standard deviations


def test_estimates_are_rounded_to_three_significant_digits():
    assert _counting.approx(987) == 987
    assert _counting.approx(311_296) == 311_000
    assert _counting.approx(12_345) == 12_300


def test_rate_grows_with_the_bound():
    assert _counting.rate_for(1) == 2
    assert _counting.rate_for(_counting.SAMPLE_TARGET * 16) == 16
    assert _counting.rate_for(10**12) == _counting.SAMPLE_RATES[-1]
