import pytest

from lantai.search import AccessScope, RebuildRequired, SearchIndex, WriterBusy, rebuild
from tests.search.helpers import doc, ids

REF = "J001-WS·2020-Y-BGS-0001"


@pytest.fixture
def archive(make_index):
    return make_index(
        [
            doc(
                1,
                "各單位：為加強檔案管理工作，現將有關事項通知如下。",
                title="關於檔案管理的通知",
                ref_code=REF,
                date="2020-03-05",
                fonds="J001",
                category="WS",
                topics=["管理"],
                access=["public", "fonds:J001"],
            ),
            doc(
                2,
                "中国人民银行的照片，档案一组。",
                title="照片档案",
                ref_code="J002-ZP·2019-0002",
                date="2019",
                fonds="J002",
                category="ZP",
                open_status="closed",
                access=["fonds:J002"],
            ),
            doc(
                3,
                "会议讨论了档案数字化和草稿。",
                title="会议纪要",
                ref_code="J001-WS·2021-Y-BGS-0003",
                date="2021-07",
                fonds="J001",
                category="WS",
                topics=["会议", "管理"],
                access=["public", "fonds:J001"],
            ),
            doc(
                4,
                "一九五三年的手写档案。",
                title="旧档",
                date=None,
                fonds="J001",
                category="WS",
                open_status="unreviewed",
                access=["fonds:J001"],
            ),
        ]
    )


def test_traditional_query_finds_simplified_record(archive, public):
    assert ids(archive.search("會議紀要", public)) == [3]


def test_simplified_query_finds_traditional_record_and_shows_traditional(archive, public):
    hit = archive.search("档案管理", public).hits[0]
    assert hit.id == 1 and "<mark>檔案管理</mark>" in hit.snippet


def test_one_character_query_matches(archive, public):
    assert set(ids(archive.search("議", public))) == {3}


def test_ref_code_is_found_exactly_and_by_its_parts(archive, public):
    assert ids(archive.search(REF, public)) == [1]
    assert ids(archive.search(f"ref:{REF}", public)) == [1]
    assert set(ids(archive.search("BGS", public))) == {1, 3}
    assert ids(archive.search("ref:2021-Y", public)) == [3]
    assert ids(archive.search("Y-BGS-0001", public)) == [1]


def test_chinese_term_under_minus_excludes(archive, public):
    assert ids(archive.search("档案 -草稿", public)) == [1]


def test_or_and_phrase(archive, everything):
    assert set(ids(archive.search("照片 OR 会议", everything))) == {2, 3}
    assert ids(archive.search('"人民银行"', everything)) == [2]
    assert ids(archive.search('"银行 人民"', everything)) == []


def test_field_filters(archive, everything):
    assert ids(archive.search("title:通知", everything)) == [1]
    assert set(ids(archive.search("fonds:j001", everything))) == {1, 3, 4}
    assert ids(archive.search("type:ZP", everything)) == [2]
    assert set(ids(archive.search("date:2020..2021", everything))) == {1, 3}
    assert ids(archive.search("档案 date:..2019", everything)) == [2]


def test_public_scope_never_counts_closed_record_in_facets(archive, public):
    result = archive.search("档案", public)
    assert result.total == 2
    assert "J002" not in result.facets["fonds"]
    assert result.facets["category"] == {"WS": 2}
    assert "closed" not in result.facets["open_status"]


def test_staff_scope_sees_its_fonds_only(archive):
    staff = AccessScope(["fonds:J001"])
    result = archive.search("档案", staff)
    assert set(ids(result)) == {1, 3, 4} and result.facets["fonds"] == {"J001": 3}


def test_empty_scope_sees_nothing(archive):
    assert archive.search("档案", AccessScope()).total == 0


def test_unapplied_visibility_change_is_excluded_exactly(archive):
    scope = AccessScope.public(exclude_ids={1})
    result = archive.search("档案", scope)
    assert ids(result) == [3] and result.total == 1
    assert result.facets["year"] == {"2021": 1}


def test_facets_count_years_topics_and_categories(archive, everything):
    facets = archive.search("", everything).facets
    assert facets["year"] == {"2019": 1, "2020": 1, "2021": 1}
    assert facets["topic"] == {"管理": 2, "会议": 1}
    assert facets["category"] == {"WS": 3, "ZP": 1}


def test_sort_by_date_and_pagination(archive, everything):
    result = archive.search("", everything, sort="date", per_page=2)
    assert ids(result) == [3, 1] and result.total == 4
    assert ids(archive.search("", everything, sort="date", per_page=2, page=2)) == [2, 4]


def test_question_with_no_full_match_falls_back_to_ranked_terms(archive, public):
    result = archive.search("会议讨论了什么内容？", public)
    assert result.relaxed and ids(result)[0] == 3


def test_relaxed_fallback_keeps_exclusions_and_filters(archive, everything):
    result = archive.search("手写档案的照片 -银行 fonds:J001", everything)
    assert result.relaxed and 2 not in ids(result) and 4 in ids(result)


def test_replace_and_delete(archive, public):
    archive.add_or_replace([doc(3, "改写后的正文", title="新标题", access=["public"])])
    archive.commit()
    assert ids(archive.search("会议", public)) == []
    assert ids(archive.search("改写", public)) == [3]
    archive.delete([3])
    archive.commit()
    assert archive.search("改写", public).total == 0


def test_reader_in_another_handle_sees_commits_after_reload(archive, public, tmp_path):
    reader = SearchIndex(tmp_path / "index")
    archive.add_or_replace([doc(9, "新到的档案")])
    archive.commit()
    assert ids(reader.search("新到", public, reload=False)) == []
    assert ids(reader.search("新到", public)) == [9]


def test_second_writer_is_refused(archive, tmp_path):
    other = SearchIndex(tmp_path / "index")
    with pytest.raises(WriterBusy):
        other.add_or_replace([doc(5, "x")])


def test_rebuild_builds_aside_and_readers_switch(archive, public, tmp_path):
    reader = SearchIndex(tmp_path / "index")
    before = reader.generation
    archive.close()
    stats = rebuild(tmp_path / "index", [doc(7, "重建后的唯一档案")])
    assert stats.records == 1 and stats.generation != before
    assert set(ids(reader.search("档案", public, reload=False))) == {1, 3}  # old view still serves
    assert ids(reader.search("档案", public)) == [7]


def test_older_schema_version_reports_rebuild_needed(archive, public, tmp_path):
    gen = tmp_path / "index" / archive.generation / "lantai-schema.json"
    gen.write_text('{"schema_version": 0}', encoding="utf-8")
    stale = SearchIndex(tmp_path / "index")
    assert stale.needs_rebuild and "reindex" in (stale.problem or "")
    with pytest.raises(RebuildRequired):
        stale.search("档案", public)
    stale.rebuild([doc(8, "新的档案")])
    assert not stale.needs_rebuild and ids(stale.search("档案", public)) == [8]


def test_any_query_text_returns_only_visible_records_and_a_total_that_matches_its_hits(
    archive, public
):
    queries = ['"', "-", "OR", "title:", "date:..", "((档案", '-"', "\x00", "档案" * 600, "\udcff"]
    for query in queries:
        result = archive.search(query, public)
        assert set(ids(result)) <= {1, 3}, query
        assert result.total == len(result.hits), query


def test_query_syntax_left_unbalanced_still_finds_the_words_in_it(archive, public):
    assert set(ids(archive.search("((档案", public))) == {1, 3}
    assert set(ids(archive.search("档案" * 600, public))) == {1, 3}


def test_undecodable_bytes_in_a_query_are_ignored(archive, public):
    # A command-line argument with invalid UTF-8 arrives with lone surrogates.
    assert ids(archive.search("\udcff档案", public)) == ids(archive.search("档案", public))
