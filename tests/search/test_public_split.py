"""The engine side of the two indexes (issue 12): a rebuild splits the public records off into
their own index in the same pass, and a public index that was never built says so."""

from __future__ import annotations

import pytest

from lantai.search import AccessScope, RebuildRequired, SearchIndex, rebuild
from tests.search.helpers import doc, ids

EVERYTHING = AccessScope.unrestricted()

RECORDS = [
    doc(1, "公开的防汛通知"),
    doc(2, "未开放的防汛预案", access=["fonds:J001"], open_status="closed"),
    doc(3, "另一件公开的防汛简报", access=["fonds:J002", "public"]),
    doc(4, "没有任何令牌的防汛记录", access=[]),
]


def test_a_rebuild_with_a_public_path_puts_only_public_records_there(tmp_path):
    stats = rebuild(tmp_path / "staff", RECORDS, public_path=tmp_path / "public")
    assert (stats.records, stats.public_records) == (4, 2)
    staff, public = SearchIndex(tmp_path / "staff"), SearchIndex(tmp_path / "public")
    assert sorted(ids(staff.search("防汛", EVERYTHING))) == [1, 2, 3, 4]
    assert sorted(ids(public.search("防汛", EVERYTHING))) == [1, 3]
    assert public.generation == stats.public_generation


def test_pre_analysed_records_are_split_the_same_way(tmp_path):
    from lantai.search._backend_tantivy import analyse

    stats = rebuild(
        tmp_path / "staff", (), analysed=map(analyse, RECORDS), public_path=tmp_path / "public"
    )
    assert (stats.records, stats.public_records) == (4, 2)


def test_the_public_index_scores_as_if_hidden_records_did_not_exist(tmp_path):
    hidden = [doc(100 + n, "防汛" * (n + 1), access=["fonds:J001"]) for n in range(30)]
    rebuild(tmp_path / "staff", [*RECORDS, *hidden], public_path=tmp_path / "public")
    rebuild(tmp_path / "alone", [r for r in RECORDS if "public" in r.access])
    public, alone = SearchIndex(tmp_path / "public"), SearchIndex(tmp_path / "alone")
    assert public.search("防汛", EVERYTHING).hits == alone.search("防汛", EVERYTHING).hits


def test_a_failed_rebuild_leaves_both_live_indexes_untouched(tmp_path):
    rebuild(tmp_path / "staff", RECORDS, public_path=tmp_path / "public")

    def failing():
        yield doc(9, "半途而废")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        rebuild(tmp_path / "staff", failing(), public_path=tmp_path / "public")
    public = SearchIndex(tmp_path / "public")
    assert sorted(ids(public.search("防汛", EVERYTHING))) == [1, 3]
    assert [p.name for p in (tmp_path / "public").iterdir() if p.is_dir()] == [public.generation]


def test_an_index_opened_without_create_reports_that_it_needs_building(tmp_path):
    missing = SearchIndex(tmp_path / "public", create=False)
    assert missing.needs_rebuild and "reindex" in (missing.problem or "")
    with pytest.raises(RebuildRequired):
        missing.search("防汛", EVERYTHING)
    rebuild(tmp_path / "staff", RECORDS, public_path=tmp_path / "public")
    assert sorted(ids(missing.search("防汛", EVERYTHING))) == [1, 3]  # picked up on reload


def test_holds_any_says_whether_some_of_the_ids_are_indexed(tmp_path):
    index = SearchIndex(tmp_path / "index", heap_size=15_000_000, writer_threads=1)
    index.add_or_replace(RECORDS[:2])
    index.commit()
    assert index.holds_any({2, 50}) and not index.holds_any({50, 51}) and not index.holds_any(())


def test_a_prepared_record_indexes_exactly_like_the_record_itself(tmp_path):
    from lantai.search import prepare

    plain = SearchIndex(tmp_path / "plain", heap_size=15_000_000, writer_threads=1)
    ready = SearchIndex(tmp_path / "ready", heap_size=15_000_000, writer_threads=1)
    plain.add_or_replace(RECORDS)
    ready.add_or_replace([prepare(record) for record in RECORDS])
    for index in (plain, ready):
        index.commit()
    for query in ("防汛", "公开 通知", '"防汛预案"'):
        assert plain.search(query, EVERYTHING).hits == ready.search(query, EVERYTHING).hits
    assert prepare(RECORDS[2]).access == ("fonds:J002", "public")
