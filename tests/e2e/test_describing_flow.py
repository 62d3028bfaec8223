"""An archivist registers twenty paper records, bulk-edits them, builds a volume of them and
prints its 卷内文件目录 — in the browser, against the demo server."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pypdf
import pytest

from tests.e2e.pages import log_in

ARCHIVIST = "e2e-archivist"
COUNT = 20
YEAR = "1980"


@pytest.fixture(scope="module")
def archivist_password(demo) -> str:
    import secrets

    password = secrets.token_urlsafe(12)
    demo.create_user(ARCHIVIST, password, "archivist")
    return password


def _register(page, number: int, last: bool) -> None:
    page.locator("#id_category").select_option("WS")
    page.locator("#id_year").fill(YEAR)
    page.locator("#id_retention").select_option("Y")
    page.locator("#id_org_code").fill("BGS")
    page.locator("#id_title").fill(f"兰台县革委会一九八〇年第{number}次会议记录")
    page.locator("#id_creator").fill("兰台县革命委员会办公室")
    page.locator("#id_date").fill(f"1980年{(number - 1) % 12 + 1}月{number}日")
    page.locator("#id_pages").fill(str(number))
    with page.expect_navigation():
        page.get_by_role("button", name="登记" if last else "登记并继续下一件", exact=True).click()


def test_register_bulk_edit_build_a_volume_and_print_its_contents(
    page, archivist_password, tmp_path: Path
):
    log_in(page, ARCHIVIST, archivist_password, "/staff/items/J001/register/")
    for number in range(1, COUNT + 1):
        _register(page, number, last=number == COUNT)
    assert page.locator("h1").inner_text() == f"J001-WS·{YEAR}-Y-BGS-{COUNT:04d}"

    page.goto(f"/staff/items/J001/?year={YEAR}")
    boxes = page.locator("input[name=items]")
    assert boxes.count() == COUNT
    for index in range(COUNT):
        boxes.nth(index).check()
    page.locator("select[name=action]").select_option("add_topics")
    page.locator("input[name=value]").fill("会议记录、革委会")
    page.get_by_role("button", name="预览修改").click()
    assert page.locator("table.items tbody tr").count() == COUNT  # one row per record changed
    with page.expect_navigation():
        page.get_by_role("button", name="确认修改").click()
    assert f"已批量修改 {COUNT} 件档案" in page.content()

    boxes = page.locator("input[name=items]")
    for index in range(COUNT):
        boxes.nth(index).check()
    page.get_by_role("button", name="组卷").click()
    page.locator("#title").fill("兰台县革委会一九八〇年会议记录")
    with page.expect_navigation():
        page.get_by_role("button", name="确认组卷").click()
    assert page.locator("h1").inner_text() == f"J001-WS·{YEAR}·Y·BGS-001"

    with page.expect_download() as download_info:
        page.locator("a[href$='/contents.pdf']").click()
    printed = tmp_path / "contents.pdf"
    download_info.value.save_as(printed)
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(printed).pages)
    assert "卷内文件目录" in pdf_text and "兰台县革委会一九八〇年第1次会议记录" in pdf_text

    with page.expect_download() as download_info:
        page.locator("a[href$='/contents.xlsx']").click()
    saved = tmp_path / "contents.xlsx"
    download_info.value.save_as(saved)
    rows = [
        [c.value or "" for c in row] for row in openpyxl.load_workbook(saved).active.iter_rows()
    ]
    listed = rows[2:]
    assert len(listed) == COUNT
    assert listed[0][4] == "兰台县革委会一九八〇年第1次会议记录" and listed[0][5] == "19800101"
    assert listed[-1][6] == "191-210"  # pages 1 + 2 + … + 19 before it, 20 of its own
