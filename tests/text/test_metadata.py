from lantai.text.metadata import (
    find_authors,
    find_organisations,
    find_places,
    find_source,
    guess_title,
)


def test_reporter_and_correspondent_bylines_both_yield_names():
    assert find_authors("河南商报记者 张三 通讯员 李四\n正文") == ["张三", "李四"]


def test_traditional_bylines_are_read_too():
    assert find_authors("河南商報記者 張三 通訊員 李四") == ["張三", "李四"]


def test_byline_without_spaces_before_a_reporting_verb():
    assert find_authors("（记者张三报道）") == ["张三"]


def test_reporting_prose_is_not_mistaken_for_a_byline():
    assert find_authors("记者从郑州市教育局获悉，记者多位业内人士表示") == []


def test_labelled_authors_and_editors():
    assert find_authors("文/孙八 编辑：王五") == ["孙八", "王五"]


def test_source_from_label_or_wire_dateline():
    assert find_source("来源：河南商报 编辑：王五") == "河南商报"
    assert find_source("新华社北京3月3日电 国务院办公厅发布通知") == "新华社"
    assert find_source("没有来源的文字") is None


def test_places_and_organisations_skip_generic_words():
    text = "北京市、河南省郑州市金水区参加。今年全市中小学开学。郑州市教育局和清华大学发布通知。"
    assert {"北京市", "河南省", "郑州市", "金水区"} <= set(find_places(text))
    assert "今年全市" not in find_places(text)
    orgs = find_organisations(text)
    assert {"郑州市教育局", "清华大学"} <= set(orgs)
    assert not any(o.startswith(("今年", "全市")) for o in orgs)


def test_title_is_guessed_only_from_a_heading_like_first_line():
    assert guess_title("关于印发档案管理办法的通知\n正文。") == "关于印发档案管理办法的通知"
    assert guess_title("这是一句完整的话，不是标题。\n") is None
