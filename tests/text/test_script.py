import pytest

from lantai.text.script import detect_script


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这是简体中文的句子，记者报道档案馆的工作。", "simplified"),
        ("這是繁體中文的句子，記者報導檔案館的工作。", "traditional"),
        ("这是简体中文的句子，记者报道。這是繁體中文的句子，記者報導。", "mixed"),
        ("Archive of documents 2020", "none"),
        ("", "none"),
    ],
)
def test_script_is_detected(text, expected):
    assert detect_script(text) == expected


def test_traditional_text_with_a_few_shared_forms_is_still_traditional():
    # 后 (皇后) and 里 are correct Traditional characters too: not enough to call it mixed.
    assert detect_script("皇后在宮裡閱讀檔案，這些檔案來自國家圖書館。") == "traditional"


def test_han_text_without_distinguishing_characters_reads_as_simplified():
    assert detect_script("中国人民大会") == "simplified"
