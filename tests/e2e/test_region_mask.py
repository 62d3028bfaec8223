"""A reviewer finds an opened photograph, draws a box over a face on the workbench and records
it with a decision; from then on the public's copy shows a black box there."""

from __future__ import annotations

import io
import secrets

from PIL import Image, ImageStat

from tests.e2e.pages import item_path, log_in

REF_CODE = "Z001-ZP·1950-Y-001-0001"  # an opened photograph in the sample
# A reviewer of its own: a second sign-in of the shared reviewer within one TOTP step would
# reuse its code, which TOTP refuses.
MASKER = "e2e-masker"


def _public_copy(page) -> Image.Image:
    page.goto(item_path(REF_CODE))
    src = page.locator("img.page").first.get_attribute("src")
    response = page.request.get(src)
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    return Image.open(io.BytesIO(response.body())).convert("L")


def _median(image: Image.Image, left: float, top: float, right: float, bottom: float) -> float:
    w, h = image.size
    box = (int(left * w), int(top * h), int(right * w), int(bottom * h))
    return ImageStat.Stat(image.crop(box)).median[0]


def test_a_region_drawn_by_the_reviewer_is_black_in_the_public_copy(browser, page, demo):
    password = secrets.token_urlsafe(12)
    demo.create_user(MASKER, password, "reviewer")
    before = _public_copy(page)
    assert "以黑色方块标示" not in page.content()

    reviewer = browser.new_context(base_url=demo.url, locale="zh-CN").new_page()
    try:
        log_in(reviewer, MASKER, password, "/staff/review/")
        reviewer.goto(item_path(REF_CODE))
        reviewer.get_by_role("link", name="在审核台打开").click()
        editor = reviewer.locator(".region-editor").first
        editor.locator("img").wait_for()
        reviewer.wait_for_function("document.querySelector('.region-editor img').naturalWidth > 0")
        box = editor.bounding_box()
        assert box is not None
        reviewer.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.1)
        reviewer.mouse.down()
        reviewer.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4, steps=5)
        reviewer.mouse.up()
        drawn = reviewer.locator(".regions textarea").first.input_value()
        assert drawn.startswith("1 "), drawn  # page 1, then left, top, width, height in percent
        reviewer.locator("input[name=decision][value=open]").check()
        reviewer.locator("input[name=reason]").fill("开放；与会群众面部涉及个人肖像，予以遮蔽")
        with reviewer.expect_navigation():
            reviewer.get_by_role("button", name="记录结论").click()
        assert "已记录 1 件的审核结论：开放" in reviewer.locator("p.notice").first.inner_text()
    finally:
        reviewer.context.close()

    after = _public_copy(page)
    assert "以黑色方块标示" in page.content()
    assert _median(after, 0.15, 0.15, 0.35, 0.35) < 40
    # Outside the box the photograph is as before.
    assert abs(_median(after, 0.6, 0.6, 0.9, 0.9) - _median(before, 0.6, 0.6, 0.9, 0.9)) < 20
