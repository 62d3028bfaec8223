import codecs
import os

import pytest

from lantai.text.decode import chinese_score, decode

SIMPLIFIED = "河南商报记者从郑州市教育局获悉，今年全市中小学将于三月开学。这是档案馆接收的文件。"
TRADITIONAL = "河南商報記者從鄭州市教育局獲悉，今年全市中小學將於三月開學。這是檔案館接收的文件。"


def test_gbk_file_without_charset_decodes():
    decoded = decode(SIMPLIFIED.encode("gbk"))
    assert decoded.text == SIMPLIFIED
    assert decoded.encoding in {"gb2312", "gb18030"}
    assert decoded.confidence > 0.8


def test_big5_file_without_charset_decodes():
    decoded = decode(TRADITIONAL.encode("big5"))
    assert decoded.text == TRADITIONAL
    assert decoded.encoding == "big5"


def test_short_gbk_and_big5_are_not_confused():
    assert decode("记者".encode("gbk")).text == "记者"
    assert decode("記者".encode("big5")).text == "記者"


def test_traditional_text_saved_as_gb18030_decodes():
    assert decode(TRADITIONAL.encode("gb18030")).text == TRADITIONAL


def test_utf8_is_reported_with_high_confidence():
    decoded = decode(SIMPLIFIED.encode())
    assert (decoded.text, decoded.encoding) == (SIMPLIFIED, "utf-8")
    assert decoded.confidence >= 0.99


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_decodes(codec):
    assert decode(SIMPLIFIED.encode(codec)).text == SIMPLIFIED


def test_utf16_with_bom_decodes_with_full_confidence():
    decoded = decode(codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"))
    assert decoded.text == SIMPLIFIED
    assert decoded.confidence == 1.0


def test_utf8_read_as_cp1252_and_saved_again_is_repaired():
    mojibake = "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
        for b in SIMPLIFIED.encode()
    )
    decoded = decode(mojibake.encode())
    assert decoded.text == SIMPLIFIED
    assert "repaired" in decoded.encoding


def test_random_bytes_are_reported_as_binary_not_text():
    decoded = decode(os.urandom(4096))
    assert decoded.text == ""
    assert "binary" in decoded.reason


def test_empty_input_has_a_reason():
    assert decode(b"").reason == "empty file"


def test_declared_gb2312_charset_is_read_as_gb18030():
    text = SIMPLIFIED + "𠀀"  # outside GBK: only GB18030 has it
    assert decode(text.encode("gb18030"), declared="gb2312").text == text


def test_a_wrong_declared_charset_does_not_win_over_the_bytes():
    assert decode(TRADITIONAL.encode("big5"), declared="gbk").text == TRADITIONAL


def test_chinese_score_separates_right_and_wrong_readings():
    wrong = SIMPLIFIED.encode("gbk").decode("big5", errors="replace")
    assert chinese_score(SIMPLIFIED) > 0.3 > chinese_score(wrong)


def test_a_gb2312_page_with_one_character_cut_by_the_server_decodes_as_gb18030():
    page = f"<html><head><meta charset=gb2312><title>{SIMPLIFIED}</title></head></html>"
    data = page.encode("gb2312")
    cut = data.index(b"</title>") - 1  # the last byte of the title's last character
    decoded = decode(data[:cut] + data[cut + 1 :], declared="gb2312")
    assert decoded.encoding == "gb18030"
    assert SIMPLIFIED[:-1] in decoded.text
    assert decoded.damaged == 1


def test_a_utf8_text_with_one_cut_character_stays_utf8_and_counts_the_damage():
    data = SIMPLIFIED.encode()
    decoded = decode(data[:10] + data[11:])
    assert (decoded.encoding, decoded.damaged) == ("utf-8", 1)
    assert SIMPLIFIED[5:] in decoded.text


def test_legacy_bytes_are_not_taken_for_damaged_utf8():
    decoded = decode("记者".encode("gbk"))
    assert (decoded.text, decoded.damaged) == ("记者", 0)


def test_a_clean_file_reports_no_damage():
    assert decode(SIMPLIFIED.encode("gbk")).damaged == 0
