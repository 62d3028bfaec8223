"""档号 grammar: parse, validate with part-specific messages, render, group."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantai.archive.domains import CATEGORIES
from lantai.archive.refcode import DEFAULT_GRAMMAR, Grammar, GrammarError, RefCodeError, parse


def test_default_code_parses_into_its_parts():
    code = parse("J001-WS·2020-Y-BGS-0001")
    assert code.parts == {
        "fonds": "J001",
        "category": "WS",
        "year": "2020",
        "retention": "Y",
        "org": "BGS",
        "number": "0001",
    }
    assert code.number == 1
    assert code.group == "J001-WS·2020-Y-BGS"


def test_typed_variants_of_dot_dash_and_case_are_normalised():
    assert parse("j001－ws.2020-y-bgs-0001").text == "J001-WS·2020-Y-BGS-0001"
    assert parse("J001-WS・2020-Y-办公室-0012").parts["org"] == "办公室"


@pytest.mark.parametrize(
    ("code", "part", "words"),
    [
        ("J01-WS·2020-Y-BGS-0001", "全宗号", "J001"),
        ("J001-XX·2020-Y-BGS-0001", "门类代码", "WS"),
        ("J001-WS·20-Y-BGS-0001", "年度", "四位年份"),
        ("J001-WS·2020-Q-BGS-0001", "保管期限代码", "D30"),
        ("J001-WS·2020-Y-BGS-01", "件号", "4 位"),
        ("J001-WS·2020-Y-BGS-0000", "件号", "从 1 开始"),
        ("J001-WS2020-Y-BGS-0001", "门类代码", "缺少分隔符"),
        ("J001-WS·2020-Y--0001", "机构（问题）代码", "缺少"),
    ],
)
def test_malformed_code_message_names_the_wrong_part(code, part, words):
    with pytest.raises(RefCodeError) as error:
        parse(code)
    assert error.value.part == part
    assert part in str(error.value)
    assert words in str(error.value)


def test_empty_code_is_refused():
    with pytest.raises(RefCodeError, match="为空"):
        parse("  ")


def test_legacy_volume_grammar_with_own_number_width():
    grammar = Grammar("{fonds}-{category}·{series}·{year}·{retention}-{volume}-{number}", 3)
    code = grammar.parse("J019-ZY·JC·2019·D30-001-001")
    assert code.parts["volume"] == "001"
    assert code.group == "J019-ZY·JC·2019·D30-001"


@pytest.mark.parametrize(
    "template",
    ["{fonds}-{number}-{year}", "{fonds}{year}-{number}", "{nope}-{number}", "x{number}"],
)
def test_unusable_template_is_refused(template):
    with pytest.raises(GrammarError):
        Grammar(template)


parts = st.fixed_dictionaries(
    {
        "fonds": st.from_regex(r"[A-Z][0-9]{3}", fullmatch=True),
        "category": st.sampled_from(sorted(CATEGORIES)),
        "year": st.integers(1900, 2099).map(str),
        "retention": st.sampled_from(["Y", "D30", "D10"]),
        "org": st.from_regex(r"[A-Z]{1,6}|[\u4e00-\u9fa5]{1,4}", fullmatch=True),
        "number": st.integers(1, 9999),
    }
)


@given(parts)
def test_rendered_code_parses_back_to_the_same_parts(values):
    text = DEFAULT_GRAMMAR.render(values)
    parsed = parse(text)
    assert parsed.number == values["number"]
    assert {k: v for k, v in parsed.parts.items() if k != "number"} == {
        k: v for k, v in values.items() if k != "number"
    }


@given(st.text(max_size=40))
def test_parse_never_fails_with_anything_but_a_refcode_error(text):
    with contextlib.suppress(RefCodeError):
        parse(text)
