from hypothesis import given, settings
from hypothesis import strategies as st

from lantai.text.clean import clean, strip_pinyin


def test_converter_pinyin_is_removed_from_traditional_text():
    text = "河南商報(bào)記(jì)者(zhě)從鄭州獲悉"
    assert clean(text) == "河南商報記者從鄭州獲悉"


def test_a_single_legitimate_pinyin_gloss_is_kept():
    text = "拼音(pīn)是汉语的注音方法。"
    assert strip_pinyin(text) == text


def test_parenthesised_text_that_is_not_pinyin_is_kept():
    text = "報(bào)記(jì)者(zhě)在北京(Beijing)采访(2020)（记者 张三）"
    assert clean(text) == "報記者在北京(Beijing)采访(2020)（记者 张三）"


def test_doubled_punctuation_is_collapsed_but_ellipsis_and_emphasis_stay():
    assert clean("好,,今天，，天气。。很好……真的！！") == "好,今天，天气。很好……真的！！"


def test_whole_article_pasted_twice_keeps_one_copy():
    article = "第一段：档案馆接收了一批文件。\n第二段：工作人员进行了整理。"
    assert clean(article + "\n" + article) == article


def test_article_pasted_twice_on_one_line_is_halved():
    line = "档案馆接收了一批文件并进行了整理。"
    assert clean(line + line) == line


def test_short_repeated_lines_are_not_dropped():
    assert clean("是\n否\n是") == "是\n否\n是"


def test_image_filename_debris_is_stripped():
    text = "现场照片\n微信图片_20200229114831\n正文IMG_2034.JPG继续"
    assert clean(text) == "现场照片\n正文继续"


def test_share_widget_lines_are_dropped_but_prose_mentioning_share_stays():
    text = "分享到：\n微信 微博 QQ空间\n他分享了自己的经验。"
    assert clean(text) == "他分享了自己的经验。"


def test_fullwidth_digits_and_letters_fold_but_chinese_punctuation_stays():
    assert clean("２０２０年ＡＢＣ，好。") == "2020年ABC，好。"


def test_letter_spaced_pdf_line_is_joined_but_byline_spaces_stay():
    assert clean("中 华 人 民 共 和 国 档 案 法") == "中华人民共和国档案法"
    assert clean("记者 张三 通讯员 李四") == "记者 张三 通讯员 李四"


def test_control_and_zero_width_characters_are_removed():
    assert clean("档\u200b案\x07馆\r\n文件") == "档案馆\n文件"


_ALPHABET = "档案(bào)，,。 \n微信图片_2020022911483记者张三 ＡＢ１２"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET)))
def test_clean_is_idempotent_and_never_raises(text):
    once = clean(text)
    assert clean(once) == once


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_clean_never_raises_on_arbitrary_unicode(text):
    assert isinstance(clean(text), str)
