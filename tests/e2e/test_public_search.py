"""A member of the public searches in Traditional characters, finds a Simplified record,
opens it and downloads a watermarked copy."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.pages import search

TITLE = "兰台区脱贫攻坚工作总结"  # J003-WS·2020-Y-FPB-0001, opened in the sample


def test_a_traditional_query_finds_the_simplified_record(page):
    hits = search(page, "脫貧攻堅")

    assert TITLE in hits


def test_the_public_opens_the_record_and_downloads_a_watermarked_copy(page, tmp_path: Path):
    search(page, "脫貧攻堅")
    page.get_by_role("link", name=TITLE, exact=True).click()

    assert page.locator("h1").inner_text() == TITLE
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载利用副本").first.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    header = saved.read_text("utf-8").splitlines()[0]

    assert saved.suffix == ".txt"
    assert "兰台区档案馆" in header
    assert "公众" in header
    assert "五年来，全区累计减少贫困人口" in saved.read_text("utf-8")
