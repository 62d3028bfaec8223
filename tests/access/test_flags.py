"""Automatic open-review flags (lantai.access.flags): each one found, explained and masked."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantai.access.flags import scan

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_digit(first17: str) -> str:
    """An 18-digit ID number with its ISO 7064 MOD 11-2 check digit (computed independently)."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


VALID_ID = with_check_digit("11010119900307123")
BAD_ID = VALID_ID[:17] + str((int(VALID_ID[17]) + 1) % 10 if VALID_ID[17] != "X" else 0)


def kinds(text: str, **kwargs) -> list[str]:
    return [flag.kind for flag in scan(text, **kwargs)]


def only(text: str, kind: str, **kwargs):
    flags = [f for f in scan(text, **kwargs) if f.kind == kind]
    assert len(flags) == 1, flags
    return flags[0]


def test_a_valid_18_digit_id_number_is_flagged_masked_and_explained():
    text = f"申请人身份证号：{VALID_ID}，住址略。"
    flag = only(text, "id_card")
    assert flag.label == "公民身份号码"
    assert text[flag.start : flag.end] == VALID_ID
    assert f"{VALID_ID[:6]}********{VALID_ID[-4:]}" in flag.excerpt
    assert VALID_ID not in flag.excerpt
    assert "校验码正确" in flag.explanation


def test_the_standard_example_id_with_check_digit_x_is_flagged():
    assert kinds("公民身份号码 11010519491231002X。") == ["id_card"]


def test_an_18_digit_number_with_a_bad_check_digit_is_not_flagged():
    assert "id_card" not in kinds(f"编号 {BAD_ID}")


@pytest.mark.parametrize(
    "number",
    [
        with_check_digit("99010119900307123"),  # no such province
        with_check_digit("11010119901307123"),  # month 13
        with_check_digit("11010130000307123"),  # born in the future
    ],
)
def test_an_id_number_with_an_impossible_region_or_birth_date_is_not_flagged(number):
    assert "id_card" not in kinds(f"号码 {number}")


def test_a_legacy_15_digit_id_number_is_flagged_and_says_it_has_no_check_digit():
    flag = only("旧身份证 110101900307123 。", "id_card")
    assert "15 位" in flag.explanation
    assert "110101******123" in flag.excerpt


def test_full_width_digits_are_read_as_digits():
    full_width = VALID_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert kinds(f"身份证{full_width}") == ["id_card"]


@pytest.mark.parametrize(
    "phone", ["13812345678", "138-1234-5678", "+86 13812345678", "010-87654321", "0571-8765432"]
)
def test_mobile_and_landline_numbers_are_flagged_with_digits_masked(phone):
    flag = only(f"联系电话：{phone}。", "phone")
    assert flag.excerpt.count("*") >= 4
    assert phone not in flag.excerpt


def test_a_phone_number_inside_a_longer_digit_run_is_not_flagged():
    assert kinds(f"身份证 {VALID_ID}") == ["id_card"]
    assert "phone" not in kinds("流水号 9913812345678123")


def test_a_bank_card_number_passing_luhn_is_flagged_and_one_failing_is_not():
    flag = only("工资卡 6222021234567890128 。", "bank_card")
    assert "Luhn" in flag.explanation
    assert "6222***********0128" in flag.excerpt
    assert "bank_card" not in kinds("工资卡 6222021234567890129 。")


def test_a_bank_card_number_written_in_groups_of_four_is_flagged():
    assert kinds("卡号 4111 1111 1111 1111 。") == ["bank_card"]


def test_an_id_number_is_not_also_reported_as_a_bank_card():
    # Pick an ID number that also passes Luhn: it must be reported once, as an ID.
    number = next(
        n
        for n in (with_check_digit(f"110101199003071{i:02d}") for i in range(100))
        if _luhn(n.replace("X", "0")) and not n.endswith("X")
    )
    assert kinds(f"号码 {number}") == ["id_card"]


def _luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return (
        sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10
        == 0
    )


def test_names_in_a_disciplinary_decision_are_flagged_with_the_context_word():
    text = "经研究，决定给予李四记过处分。免去张三同志的副局长职务，任命王小明为办公室主任。"
    flags = [f for f in scan(text) if f.kind == "personnel_name"]
    assert [text[f.start : f.end] for f in flags] == ["李四", "张三", "王小明"]
    assert "「记过」" in flags[0].explanation
    assert "「免去」" in flags[1].explanation


def test_every_name_in_a_list_after_a_context_word_is_flagged():
    text = "开除刘洋、陈静、孙浩党籍。"
    names = [text[f.start : f.end] for f in scan(text)]
    assert names == ["刘洋", "陈静", "孙浩"]


def test_a_patient_named_in_a_medical_record_is_flagged():
    assert "personnel_name" in kinds("患者赵小红，女，45岁。病历摘要：……")


def test_names_far_from_any_context_word_are_not_flagged():
    text = "王小明同志出席了会议。" + "会议讨论了道路改造。" * 10 + "本年度无人受到处分。"
    assert "personnel_name" not in kinds(text)


def test_already_anonymised_names_are_not_flagged():
    assert "personnel_name" not in kinds("张某某因违纪受到记过处分，李某被免职。")


@pytest.mark.parametrize(
    "prose",
    [
        "股权转让、质押或者以其他方式处分，实际出资人以其对于股权享有的实际权利对抗。",
        "情节严重的，构成犯罪的，依法追究刑事责任。",
        "第二章 任免范围\n第三章 任免程序",
        "犯罪嫌疑人、被告人关系的证明材料。",
    ],
)
def test_legal_prose_with_context_words_yields_no_names(prose):
    assert "personnel_name" not in kinds(prose)


def test_a_context_word_in_the_title_makes_names_in_the_body_count():
    flags = scan("王强同志，男，1950年生。", title="关于任免干部的通知")
    assert [f.kind for f in flags] == ["personnel_name"]
    assert "题名" in flags[0].explanation


def test_names_in_the_title_are_flagged_with_title_offsets():
    title = "关于给予王强同志记过处分的决定"
    flag = only("正文略。", "personnel_name", title=title)
    assert flag.field == "title"
    assert title[flag.start : flag.end] == "王强"


@pytest.mark.parametrize(
    "marked",
    ["机密★10年", "秘密★1年", "绝密★长期", "密级：秘密", "密 级 机密", "【绝密】", "（机密）"],
)
def test_classification_marks_are_flagged(marked):
    flag = only(f"关于某事项的通知\n{marked}\n正文。", "classification")
    assert "密级标志" in flag.explanation


def test_a_classification_level_alone_on_its_line_is_a_mark():
    assert kinds("秘密\n兰台区人民政府文件") == ["classification"]


def test_bare_top_secret_in_prose_is_flagged_for_checking():
    flag = only("此件属绝密材料，阅后收回。", "classification")
    assert "请核实" in flag.explanation


@pytest.mark.parametrize(
    "prose",
    [
        "保守商业秘密和国家秘密是每个公民的义务。",
        "泄露国家机密的行为",
        "非法持有国家绝密、机密文件",
    ],
)
def test_the_ordinary_words_for_secret_in_prose_are_not_flagged(prose):
    assert "classification" not in kinds(prose)


def test_sensitive_terms_match_whatever_the_script_width_or_case():
    text = "……文件提到國家安全與ＡＢＣ公司。"
    flags = scan(text, sensitive_terms=["国家安全", "abc"])
    assert [text[f.start : f.end] for f in flags] == ["國家安全", "ＡＢＣ"]
    assert all(f.kind == "sensitive_term" and "敏感词" in f.explanation for f in flags)


def test_no_sensitive_terms_configured_means_no_term_flags():
    assert kinds("国家安全", sensitive_terms=["", "  "]) == []


def test_overlapping_flags_are_reported_once_most_specific_first():
    text = f"身份证号 {VALID_ID}"
    flags = scan(text, sensitive_terms=[VALID_ID[:8]])
    assert [f.kind for f in flags] == ["id_card"]


def test_an_excerpt_does_not_show_the_digits_of_a_neighbouring_number():
    text = f"身份证{VALID_ID}，电话13812345678。"
    flags = scan(text)
    assert [f.kind for f in flags] == ["id_card", "phone"]
    for flag in flags:
        assert VALID_ID[6:14] not in flag.excerpt and "1234" not in flag.excerpt


def test_flags_come_back_in_text_order():
    text = f"电话 13812345678，机密★5年，身份证 {VALID_ID}"
    starts = [f.start for f in scan(text)]
    assert starts == sorted(starts) and len(starts) == 3


@given(
    st.sampled_from(["110101", "310104", "440305", "650102"]),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2005, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.sampled_from("0123456789X"),
)
def test_an_id_shaped_number_is_flagged_exactly_when_its_check_digit_is_right(
    region, born, sequence, check
):
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    flagged = "id_card" in kinds(f"号码 {first17}{check}")
    assert flagged == (with_check_digit(first17)[-1] == check)


def test_scanning_100k_characters_flags_every_repeat():
    # The speed of this scan is measured by bench/access/flags_speed.py, not asserted here.
    sample = (
        f"兰台区人民政府办公室关于道路改造的通知。联系电话 13812345678。身份证 {VALID_ID}。"
        "经研究，决定给予李四记过处分。以其他方式处分财产的，依法承担责任。机密★10年\n"
    )
    repeats = 100_000 // len(sample)
    one = {f.kind for f in scan(sample, sensitive_terms=["国家安全"])}
    flags = scan(sample * repeats, sensitive_terms=["国家安全"])
    assert {"phone", "id_card"} <= one
    for kind in one:
        assert sum(f.kind == kind for f in flags) >= repeats, kind
