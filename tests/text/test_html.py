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
