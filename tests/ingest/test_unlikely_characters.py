"""1-6 beyond the Private Use Area: control characters, unassigned code points and text that
looks like mojibake fail, naming the character; a real 生僻字 in a name passes."""

from __future__ import annotations

import pytest

from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.checks.characters import mojibake
from lantai.ingest.sources import open_submission
from lantai.ingest.sources.catalogue import decode_catalogue
from tests.ingest.builders import row

NO_CLAMD = CheckContext(clamd="/nonexistent/clamd.ctl")
BIG5_TITLE = "中華民國財政部計畫審查"
# What a Big5 catalogue shows once opened as GBK and saved again: no PUA character in it.
BIG5_AS_GBK = BIG5_TITLE.encode("big5").decode("gbk")


def check_1_6(make_folder, **fields: str):
    rows = [row(1, **fields), row(2), row(3)]
    return {r.code: r for r in run_checks(open_submission(make_folder(rows)), NO_CLAMD)}["1-6"]


def test_big5_read_as_gbk_and_saved_again_fails_1_6_naming_characters_and_the_encoding(
    make_folder,
):
    assert not any(0xE000 <= ord(ch) <= 0xF8FF for ch in BIG5_AS_GBK)
    result = check_1_6(make_folder, 题名=BIG5_AS_GBK)
    assert result.passed is False
    assert "目录第 2 行「题名」" in result.detail and "疑为乱码" in result.detail
    assert "「い」U+3044" in result.detail and "编码" in result.detail


def test_a_big5_file_whose_gb18030_reading_has_no_pua_is_still_read_as_big5():
    data = f"title,creator\n{BIG5_TITLE},BGS\n".encode("big5")
    assert data.decode("gb18030")  # both decodings succeed, neither leaves a PUA character
    assert BIG5_TITLE in decode_catalogue(data)


def test_a_real_rare_character_in_a_name_passes_1_6(make_folder):
    result = check_1_6(make_folder, 题名="关于任命张𠈌同志为办公室主任的通知", 责任者="王𠈌")
    assert result.passed is True, result.detail


@pytest.mark.parametrize(
    "text",
    [
        "王𠈌",
        "王堃、李喆、赵𠈌",
        "國立臺灣大學圖書館館藏目錄",
        "关于α-干扰素临床试验的报告",
        "关于与Москва市友好交流的函",
        "①关于Ⅱ期工程的通知※",
    ],
)
def test_genuine_text_with_rare_characters_or_foreign_words_is_not_called_mojibake(text):
    assert mojibake(text) == []


@pytest.mark.parametrize(
    ("character", "shown"),
    [("\x85", "U+0085"), ("\x91", "U+0091"), ("\u0378", "U+0378"), ("\ufffd", "U+FFFD")],
)
def test_c1_controls_unassigned_code_points_and_replacement_characters_fail_1_6(
    make_folder, character, shown
):
    result = check_1_6(make_folder, 题名=f"关于{character}工作的通知")
    assert result.passed is False
    assert shown in result.detail and "「题名」" in result.detail
