"""A record the reviewer closed never reaches the public: not in search, not by its URL."""

from __future__ import annotations

import pytest

from tests.e2e.pages import item_path, search

CLOSED = [  # closed in the sample's 开放审核.csv
    ("J001-WS·2019-D30-RSK-0001", "关于张明华同志任职的通知", ["张明华", "张明华同志任职"]),
    ("J003-WS·2019-D30-FPB-0001", "青山村建档立卡贫困户名册（节选）", ["贫困户名册", "建档立卡"]),
]


@pytest.mark.parametrize(("ref_code", "title", "words"), CLOSED, ids=["任职通知", "贫困户名册"])
def test_a_closed_record_never_appears_in_the_public_search(page, ref_code, title, words):
    for query in [title, *words]:
        hits = search(page, query)
        body = page.locator("main").inner_text()

        assert title not in hits, query
        assert ref_code not in body, query


@pytest.mark.parametrize(("ref_code", "title", "words"), CLOSED, ids=["任职通知", "贫困户名册"])
def test_a_closed_record_is_not_found_at_its_own_address(page, ref_code, title, words):
    response = page.goto(item_path(ref_code))

    assert response.status == 404
    assert title not in page.content()


def test_the_home_page_lists_no_closed_record(page):
    page.goto("/")
    body = page.locator("main").inner_text()

    for ref_code, title, _ in CLOSED:
        assert ref_code not in body
        assert title not in body
