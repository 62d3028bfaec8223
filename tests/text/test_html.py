import json

from lantai.text.html import extract_html
from tests.text.conftest import shared_data

PAGE = """<!DOCTYPE html><html><head><meta charset="gb2312">
<title>我市档案馆新馆正式开放_某某新闻网</title>
<meta property="article:published_time" content="2020-03-03T08:00:00+08:00"></head>
<body><div class="nav">首页 新闻 体育 财经 分享到： 微信 微博</div>
<h1>我市档案馆新馆正式开放</h1>
<div class="info">2020年03月03日 08:00 来源：某某日报 记者 张三 通讯员 李四</div>
<div class="article">
<p>3月3日，我市档案馆新馆正式对外开放。新馆总建筑面积两万平方米，可容纳档案一百万卷。</p>
<p>据介绍，新馆设有查档大厅、展览厅和数字化加工区，市民可以凭身份证免费查阅已开放档案。</p>
<p>档案馆负责人表示，今后将进一步推进档案数字化，让更多档案资源服务社会。</p>
</div><div class="footer">版权所有 某某新闻网 ICP备案号</div>
<script>var x = "不应出现的脚本文字";</script></body></html>"""


def test_news_page_in_gb2312_yields_title_date_byline_and_body():
    result = extract_html(PAGE.encode("gbk"))
    assert result.title == "我市档案馆新馆正式开放"
    assert result.date == "2020-03-03"
    assert result.authors == ["张三", "李四"]
    assert result.source == "某某日报"
    assert "新馆总建筑面积两万平方米" in result.body
    assert "脚本文字" not in result.body
    assert "版权所有" not in result.body


def test_page_that_is_all_script_returns_empty_with_a_reason():
    result = extract_html(b"<html><head><script>var a=1;</script></head><body></body></html>")
    assert result.body == ""
    assert result.reason


def test_jekyll_style_fragment_with_p_markup_yields_its_text():
    html = "<p>档案馆今日举办开放日活动，市民踊跃参加。</p><p>活动持续到下午五点。</p>" * 3
    result = extract_html(html.encode())
    assert "市民踊跃参加" in result.body
    assert "<p>" not in result.body


def test_every_gne_page_extracts_without_crashing_and_finds_title_and_body():
    pages = sorted((shared_data("gne") / "pages").glob("*/*.html"))[:12]
    for page in pages:
        result = extract_html(page.read_bytes())
        assert result.title, page
        assert len(result.body) > 100, page


def test_xinhuanet_page_of_trafilatura_eval_meets_its_snippets():
    root = shared_data("trafilatura-eval")
    rows = [json.loads(line) for line in (root / "evaldata_subset.jsonl").open(encoding="utf-8")]
    row = next(r for r in rows if r["file"].startswith("xinhuanet.com"))
    result = extract_html((root / "html" / row["file"]).read_bytes(), url=row["url"])
    assert result.title == row["title"]
    assert result.date == row["date"]
    assert all(snippet in result.body for snippet in row["with"])
    assert not any(snippet in result.body for snippet in row["without"])


# --- body: furniture lines and the choice between the two extractors ----------------------

from lantai.text._boilerplate import drop_furniture, is_furniture  # noqa: E402
from lantai.text.html import _parse, _stated_date, choose_body, choose_date, choose_title  # noqa: E402

ARTICLE = "档案馆今日举办开放日活动，市民踊跃参加，现场气氛热烈。\n" * 6


def test_byline_editor_and_source_lines_are_not_kept_in_body():
    text = (
        "（原标题：档案馆开放日）\n"
        + ARTICLE
        + "某某日报记者张三\n编辑李四校对王五\n本文来源：某某日报 责任编辑：赵六\n"
    )
    kept = drop_furniture(text)
    assert kept.strip() == ARTICLE.strip()


def test_disclaimer_related_links_and_account_menus_are_not_kept_in_body():
    for line in (
        "免责声明：本文不代表本站观点。",
        "相关新闻：档案馆扩建",
        "3、回复【社保】查看记录",
    ):
        assert is_furniture(line), line


def test_prose_that_mentions_a_reporter_or_source_is_kept():
    assert not is_furniture("记者从市档案局获悉，新馆将于下月开放。")
    assert not is_furniture("记者探访现场")
    long_line = "来源：" + "档案" * 40
    assert not is_furniture(long_line)


def test_tighter_gne_text_wins_when_trafilatura_also_kept_the_page_around_it():
    gne = ARTICLE
    traf = "首页 新闻 图片\n" + ARTICLE + "网友评论：说得好！\n" * 30
    assert choose_body(gne, traf, None) == gne


def test_trafilatura_wins_when_gne_kept_the_whole_page():
    traf = ARTICLE
    gne = "首页 新闻\n" + ARTICLE + "热门推荐：另一篇新闻的标题在这里\n" * 40
    assert choose_body(gne, traf, None) == traf


def test_a_short_gne_scrap_does_not_replace_the_article():
    traf = ARTICLE * 3 + "另一段正文，介绍新馆的馆藏与服务。\n" * 20
    assert choose_body("档案馆今日举办开放日活动，市民踊跃参加，现场气氛热烈。", traf, None) == traf


def test_gne_wins_when_trafilatura_found_next_to_nothing():
    assert choose_body(ARTICLE * 2, "分享到：微信", None) == ARTICLE * 2


# --- title ---------------------------------------------------------------------------------

SHOWN = """<html><head><title>{head}</title></head><body>
<div class="nav">首页 东区新闻 正文</div><span class="t">{shown}</span>
<p>档案馆今日举办开放日活动，市民踊跃参加，现场气氛热烈。</p></body></html>"""


def test_title_drops_a_site_name_joined_by_a_space_when_the_page_shows_the_title_alone():
    page = _parse(
        SHOWN.format(head="区档案馆举办开放日活动 东区办事处", shown="区档案馆举办开放日活动")
    )
    assert choose_title(page, "区档案馆举办开放日活动 东区办事处", None) == "区档案馆举办开放日活动"


def test_title_drops_a_channel_name_before_a_double_dash():
    page = _parse(
        SHOWN.format(head="明日预测--区档案馆举办开放日活动", shown="区档案馆举办开放日活动")
    )
    assert choose_title(page, "明日预测", None) == "区档案馆举办开放日活动"


def test_title_is_kept_whole_when_the_page_shows_it_whole():
    html = SHOWN.format(head="作者：区档案馆举办开放日活动", shown="作者：区档案馆举办开放日活动")
    page = _parse(html.replace("</body>", "<a>区档案馆举办开放日活动</a></body>"))
    assert (
        choose_title(page, "作者：区档案馆举办开放日活动", None) == "作者：区档案馆举办开放日活动"
    )


# --- date ----------------------------------------------------------------------------------


def test_date_stamp_under_the_title_beats_a_comment_timestamp_from_gne():
    page = _parse("<html><body><h2>开放日</h2><p>2019-05-17</p><p>正文。</p></body></html>")
    area = "\n2019-05-17\n正文。"
    assert choose_date(page, area, "2019-05-18 09:21:25", "", None) == "2019-05-17"


def test_labelled_or_timed_dates_are_stamps_but_a_birth_date_in_prose_is_not():
    assert _stated_date("发布时间：2019-09-26 10:09") == "2019-09-26"
    assert _stated_date("2020年09月11日 18:05 来源：某某网") == "2020-09-11"
    assert _stated_date("张三，1975年1月28日出生于北京，档案学者。") is None
