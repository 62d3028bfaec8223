"""Redaction (lantai.access.redaction): masked passages never reach the public copy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantai.access.redaction import (
    MARKER,
    Redaction,
    apply_redactions,
    mask_terms,
    redaction_spans_for_terms,
    text_fingerprint,
)

TEXT = "关于张三同志的处分决定：张三，男，身份证号略。"


def test_a_masked_passage_is_replaced_by_one_marker():
    assert apply_redactions(TEXT, [(2, 4)]) == f"关于{MARKER}同志的处分决定：张三，男，身份证号略。"


def test_the_marker_does_not_reveal_how_long_the_passage_was():
    short = apply_redactions("甲乙戊", [(1, 2)])
    long = apply_redactions("甲乙乙乙乙戊", [(1, 5)])
    assert short == long == f"甲{MARKER}戊"


def test_a_custom_mask_also_replaces_the_whole_passage():
    assert apply_redactions("甲乙丙丁", [(1, 3)], mask="█") == "甲█丁"


def test_overlapping_and_touching_spans_become_one_marker():
    assert apply_redactions("0123456789", [(5, 7), (1, 3), (2, 4), (4, 5)]) == f"0{MARKER}789"


def test_spans_may_carry_a_reason():
    spans = [Redaction(2, 4, "个人隐私"), (12, 14, "个人隐私")]
    assert apply_redactions(TEXT, spans).count(MARKER) == 2
    assert "张三" not in apply_redactions(TEXT, spans)


@pytest.mark.parametrize("span", [(-1, 2), (3, 2), (0, len(TEXT) + 1), (5, 5)])
def test_a_span_outside_the_text_is_refused_with_a_chinese_message(span):
    with pytest.raises(ValueError, match="遮蔽范围"):
        apply_redactions(TEXT, [span])


@pytest.mark.parametrize("span", [(1.0, 2), ("1", 2), (True, 2), (1,), (1, 2, "理由", "多余")])
def test_a_malformed_span_is_refused(span):
    with pytest.raises(ValueError, match="遮蔽范围"):
        apply_redactions(TEXT, [span])


def test_spans_drawn_on_another_version_of_the_text_are_refused():
    fingerprint = text_fingerprint(TEXT)
    assert "张三" not in apply_redactions(TEXT, [(2, 4), (12, 14)], fingerprint=fingerprint)
    with pytest.raises(ValueError, match="正文已变化"):
        apply_redactions("前言。" + TEXT, [(2, 4)], fingerprint=fingerprint)


def test_no_spans_leave_the_text_unchanged():
    assert apply_redactions(TEXT, []) == TEXT
    assert apply_redactions("", []) == ""


def test_term_spans_find_every_occurrence_in_either_script():
    text = "張三與张三、ZHANG San"
    spans = redaction_spans_for_terms(text, ["张三", "zhang san"])
    assert [text[s:e] for s, e in spans] == ["張三", "张三", "ZHANG San"]


def test_term_spans_stay_exact_after_characters_that_fold_to_several():
    text = "……㍿公司的張三，电话略。"
    spans = redaction_spans_for_terms(text, ["张三"])
    assert [text[s:e] for s, e in spans] == ["張三"]


def test_a_term_that_folds_inside_a_wider_character_masks_the_whole_character():
    text = "甲……乙"
    spans = redaction_spans_for_terms(text, [".."])
    assert spans and all(text[s:e] in ("…", "……") for s, e in spans)


def test_the_public_copy_made_from_term_spans_no_longer_contains_the_terms():
    text = "經查，王小明與王小明之妻均受處分。"
    public = apply_redactions(text, redaction_spans_for_terms(text, ["王小明"]))
    assert "王小明" not in public and "王小明" not in public.replace(MARKER, "")
    assert public.count(MARKER) == 2


def test_empty_or_blank_terms_give_no_spans():
    assert redaction_spans_for_terms(TEXT, ["", "  "]) == []
    assert redaction_spans_for_terms("", ["张三"]) == []


ALPHABET = "甲乙丙丁ab12，。 "


@st.composite
def text_and_spans(draw):
    text = draw(st.text(alphabet=ALPHABET, max_size=40))
    if not text:
        return text, []
    bounds = st.integers(min_value=0, max_value=len(text))
    pairs = draw(st.lists(st.tuples(bounds, bounds), max_size=5))
    return text, [(min(a, b), max(a, b)) for a, b in pairs if a != b]


@given(text_and_spans())
def test_no_masked_substring_survives_unless_it_also_occurs_unmasked(case):
    text, spans = case
    public = apply_redactions(text, spans)
    masked = [False] * len(text)
    for start, end in spans:
        masked[start:end] = [True] * (end - start)
    # The marker's characters are not in ALPHABET, so any piece of the public copy lies within
    # one unmasked stretch of the original.
    visible = _unmasked_pieces(text, masked)
    for start, end in spans:
        passage = text[start:end]
        for i in range(len(passage) - 1):
            for j in range(i + 2, len(passage) + 1):
                piece = passage[i:j]
                if piece in public:
                    assert any(piece in v for v in visible), (piece, public)


def _unmasked_pieces(text: str, masked: list[bool]) -> list[str]:
    pieces, current = [], []
    for char, is_masked in zip(text, masked, strict=True):
        if is_masked:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


@given(text_and_spans())
def test_masking_already_masked_text_with_no_spans_changes_nothing(case):
    text, spans = case
    once = apply_redactions(text, spans)
    assert apply_redactions(once, []) == once


# --- occurrences split by gaps, and phrase variants (both as search and a reader see them) ---


@pytest.mark.parametrize(
    "written",
    ["王 伟华", "王　伟　华", "王伟\n华", "王\r\n伟华", "王\t伟华", "王\u200b伟华", "王\u00a0伟华"],
)
def test_an_occurrence_split_by_spaces_or_line_breaks_is_masked(written):
    assert mask_terms(f"经办人{written}签字", ["王伟华"]) == f"经办人{MARKER}签字"


def test_a_two_character_name_padded_to_three_is_masked():
    assert mask_terms("姓名：王　伟　性别：男", ["王伟"]) == f"姓名：{MARKER}　性别：男"


def test_a_term_typed_with_a_space_also_masks_the_unsplit_occurrence():
    assert mask_terms("经办人王伟华签字", ["王 伟华"]) == f"经办人{MARKER}签字"


@pytest.mark.parametrize(("term", "text"), [("了解", "我们瞭解情况"), ("瞭解", "我们了解情况")])
def test_a_phrase_search_folds_together_is_masked_in_either_form(term, text):
    assert mask_terms(text, [term]) == f"我们{MARKER}情况"


def test_a_traditional_phrase_split_by_a_line_break_is_masked():
    assert mask_terms("我们瞭\n解情况", ["了解"]) == f"我们{MARKER}情况"


def test_gaps_around_an_occurrence_stay_outside_the_marker():
    assert mask_terms("甲 王伟华 乙", ["王伟华"]) == f"甲 {MARKER} 乙"
