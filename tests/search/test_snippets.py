import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from lantai.search import _snippets
from lantai.search._snippets import compile_needles, fold_with_offsets, make_snippet


def test_offsets_are_identity_for_plain_text():
    folded, starts = fold_with_offsets("檔案管理")
    assert folded == "档案管理" and starts is None


def test_offsets_survive_nfkc_expansion():
    original = "㍿檔案"  # ㍿ expands to four characters under NFKC
    folded, starts = fold_with_offsets(original)
    assert folded == "株式会社档案"
    assert starts is not None and starts[4] == 1  # '档' came from original index 1


def test_traditional_record_is_highlighted_in_traditional():
    snippet = make_snippet("各單位：為加強檔案管理工作", compile_needles([["档案管理"]]))
    assert "<mark>檔案管理</mark>" in snippet


def test_highlight_after_a_length_changing_character_lands_on_the_right_text():
    snippet = make_snippet("㍿ＡＢＣ檔案", compile_needles([["档案"]]))
    assert snippet.endswith("<mark>檔案</mark>")


def test_snippet_is_html_safe():
    snippet = make_snippet("<script>档案</script>", compile_needles([["档案"]]))
    assert "<script>" not in snippet and "<mark>档案</mark>" in snippet


def test_match_deep_in_a_long_record_is_found():
    body = "前言。" * 3000 + "关键证据在此"
    assert "<mark>关键证据</mark>" in make_snippet(body, compile_needles([["关键证据"]]))


def test_phrase_highlight_spans_punctuation_between_runs():
    snippet = make_snippet("档号J001-WS·2020", compile_needles([["j001", "ws"]]))
    assert "<mark>J001-WS</mark>" in snippet


_TRICKY = "档案，：（）ＡＢａ１㍿ｶﾞﾊﾟe\u0301\u1100\u1161\u11a8가각İﬁ①發展。 "


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(_TRICKY) | st.characters(exclude_categories=("Cs",)), max_size=60))
@example("档案ｶﾞﬁ")  # a contraction and an expansion that cancel out in length
@example("e\u0301ﬁ档案")
@example("\u1100\u1161ﬁ")
def test_whole_text_nfkc_shortcut_gives_the_per_character_offsets(text):
    fast = _snippets.fold_with_offsets(text)
    everything = re.compile(r"[\s\S]")  # forces the per-character path
    original = _snippets._MAY_COMPOSE
    try:
        _snippets._MAY_COMPOSE = everything
        slow = _snippets.fold_with_offsets(text)
    finally:
        _snippets._MAY_COMPOSE = original
    assert fast[0] == slow[0]
    identity = list(range(len(text) + 1))
    assert (fast[1] or identity) == (slow[1] or identity)
