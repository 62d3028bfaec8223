from hypothesis import given, settings
from hypothesis import strategies as st

from lantai.search._query import And, DateRange, Keyword, Not, Or, Text, parse


def test_plain_words_are_anded():
    assert parse("档案 管理") == And((Text("档案"), Text("管理")))


def test_quoted_phrase_keeps_spaces():
    assert parse('"档案 管理"') == And((Text("档案 管理", quoted=True),))


def test_or_binds_tighter_than_and():
    assert parse("a b OR c") == And((Text("a"), Or((Text("b"), Text("c")))))


def test_minus_negates_terms_phrases_and_fields():
    assert parse('-草稿 -"内部 资料" -fonds:J001') == And(
        (
            Not(Text("草稿")),
            Not(Text("内部 资料", quoted=True)),
            Not(Keyword("fonds", "J001")),
        )
    )


def test_fields_are_recognised():
    root = parse("title:通知 ref:J001-WS type:WS fonds:J001")
    assert root == And(
        (
            Text("通知", field="title"),
            Text("J001-WS", field="ref"),
            Keyword("category", "WS"),
            Keyword("fonds", "J001"),
        )
    )


def test_date_ranges_in_several_spellings():
    assert parse("date:2019..2021").children == (DateRange(20190000, 20219999),)
    assert parse("date:2019-2021").children == (DateRange(20190000, 20219999),)
    assert parse("date:2020-03").children == (DateRange(20200300, 20200399),)
    assert parse("date:..2020").children == (DateRange(None, 20209999),)


def test_full_width_operators_typed_with_an_ime_work():
    assert parse("－草稿 title：通知") == And((Not(Text("草稿")), Text("通知", field="title")))


def test_malformed_pieces_degrade_to_words():
    assert parse('OR 档案 OR "未闭合') == And((Or((Text("档案"), Text("未闭合", quoted=True))),))
    assert parse("date:昨天") == And((Text("date:昨天"),))
    assert parse("foo:bar - ") == And((Text("foo:bar"), Text("-")))


def test_non_string_input_is_an_empty_query():
    assert parse(None) == And(())


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_never_raises_on_any_string(text):
    assert isinstance(parse(text), And)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "-", "OR", ":", "title:", "date:", "..", " ", "档", "a"])))
def test_parser_never_raises_on_operator_soup(parts):
    assert isinstance(parse("".join(parts)), And)
