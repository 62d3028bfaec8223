import pytest

from lantai.text.dates import cn_number, date_from_url, find_dates, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年01月26日 10:00", "2024-01-26"),
        ("发布时间：2019-09-05 11:10", "2019-09-05"),
        ("2020/2/9", "2020-02-09"),
        ("二〇二〇年三月三日", "2020-03-03"),
        ("一九五四年九月二十日通过", "1954-09-20"),
        ("2020年3月", "2020-03"),
        ("2020年", "2020"),
        ("文件编号20200229", "2020-02-29"),
    ],
)
def test_dates_parse_to_iso_keeping_partial_dates_partial(text, expected):
    assert parse_date(text) == expected


def test_month_and_day_without_year_need_a_context_year():
    assert parse_date("3月3日上午") is None
    assert parse_date("3月3日上午", context_year=2020) == "2020-03-03"


def test_impossible_dates_are_rejected():
    assert parse_date("2021年2月30日") is None
    assert parse_date("2020-13-01") is None


def test_find_dates_returns_every_date_in_order():
    found = [d.iso for d in find_dates("2020年1月2日开会，3月5日复会。", context_year=2020)]
    assert found == ["2020-01-02", "2020-03-05"]


def test_chinese_numerals_with_tens():
    assert [cn_number(t) for t in ("十", "十二", "二十", "二十一", "二〇二〇")] == [
        10,
        12,
        20,
        21,
        2020,
    ]


def test_dates_are_read_from_news_urls():
    assert date_from_url("http://www.xinhuanet.com/local/2020-02/19/c_1125.htm") == "2020-02-19"
    assert date_from_url("/jmcs/detail/20200102/100.html") == "2020-01-02"
    assert date_from_url("no-date-here.html") is None
