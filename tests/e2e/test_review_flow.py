"""A reviewer opens an unreviewed record that is due; a moment later the public finds it."""

from __future__ import annotations

from tests.e2e.conftest import REVIEWER
from tests.e2e.pages import item_path, log_in, search, search_until_found

REF_CODE = "Z001-WS·1960-Y-001-0001"  # unreviewed in the sample, due since 1985
TITLE = "兰台县水利建设工作总结"
QUERY = "水利建设工作总结"


def test_a_reviewer_opens_an_item_and_the_public_then_finds_it(
    browser, page, demo, reviewer_password
):
    assert TITLE not in search(page, QUERY)
    assert page.goto(item_path(REF_CODE)).status == 404

    reviewer = browser.new_context(base_url=demo.url, locale="zh-CN").new_page()
    try:
        log_in(reviewer, REVIEWER, reviewer_password, "/staff/review/")
        reviewer.locator("input[name=fonds]").fill("Z001")
        reviewer.locator("input[name=year]").fill("1960")
        reviewer.get_by_role("button", name="筛选").click()
        reviewer.get_by_role("row").filter(has_text=TITLE).get_by_role("link").click()
        assert reviewer.locator("h1").inner_text() == TITLE

        reviewer.locator("input[name=decision][value=open]").check()
        reviewer.locator("input[name=reason]").fill("已满二十五年，内容不涉及国家秘密和个人信息")
        with reviewer.expect_navigation():
            reviewer.get_by_role("button", name="记录结论").click()
        # The workbench moves on (the next record of the filtered queue, or the queue itself)
        # and says what was recorded.
        assert "已记录 1 件的审核结论：开放" in reviewer.locator("p.notice").first.inner_text()
        assert reviewer.locator("h1").inner_text() != TITLE
    finally:
        reviewer.context.close()

    assert TITLE in search_until_found(page, QUERY, TITLE, within_s=15)
    page.get_by_role("link", name=TITLE, exact=True).click()
    assert page.locator("h1").inner_text() == TITLE
