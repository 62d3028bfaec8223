"""区域遮蔽 as a review decision: lines “页码 左 上 宽 高” in percent, refused with the line named
when they do not fit the file, added and lifted with a reason, each an audit event that never
says what the region covered."""

from __future__ import annotations

import pytest

from lantai.access.regions import (
    Region,
    active_regions,
    add_regions,
    boxes_by_page,
    parse_regions,
    remove_regions,
)
from lantai.access.review import ReviewError
from lantai.archive.models import Component
from lantai.audit.models import AuditEvent
from tests.factories import make_item


def test_lines_in_percent_become_boxes_in_fractions():
    regions = parse_regions("1 10 20 30 5\n\n2，0，0，100，100", pages=2)
    assert regions == [Region(1, (0.1, 0.2, 0.4, 0.25)), Region(2, (0.0, 0.0, 1.0, 1.0))]


def test_full_width_digits_and_separators_are_read_as_typed():
    assert parse_regions("１　１０　２０　３０　５", pages=1) == [Region(1, (0.1, 0.2, 0.4, 0.25))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 10 20 30", "第 1 行「1 10 20 30」格式无效"),
        ("1 10 20 30 5\n1 a b c d", "第 2 行"),
        ("3 10 20 30 5", "页码 3 无效：该文件共 2 页"),
        ("0 10 20 30 5", "页码 0 无效"),
        ("1 80 20 30 5", "超出页面"),
        ("1 10 20 0 5", "面积为零"),
        ("1 -10 20 30 5", "格式无效"),
    ],
)
def test_a_region_that_does_not_fit_the_file_is_refused_naming_its_line(text, message):
    with pytest.raises(ReviewError, match=message):
        parse_regions(text, pages=2)


def _photo(fonds) -> Component:
    item = make_item(fonds, title="合影", year=1990)
    return Component.objects.create(
        item=item,
        role="master",
        original_name="data/合影.jpg",
        stored_path="aip/x.jpg",
        size=1,
        mime_type="image/jpeg",
        sha256="0" * 64,
    )


@pytest.mark.django_db
def test_regions_are_added_and_lifted_with_a_reason_each_audited(fonds):
    component = _photo(fonds)
    component = add_regions(
        component, parse_regions("1 10 10 20 20\n1 50 50 10 10", 1), "涉及个人肖像"
    )
    assert [e["id"] for e in active_regions(component)] == [1, 2]
    boxes = boxes_by_page(component)
    assert list(boxes) == [1]
    assert [pytest.approx(box) for box in boxes[1]] == [(0.1, 0.1, 0.3, 0.3), (0.5, 0.5, 0.6, 0.6)]
    component = remove_regions(component, [1], "经复核可以公开")
    assert [e["id"] for e in active_regions(component)] == [2]
    lifted = component.regions[0]
    assert lifted["removed_reason"] == "经复核可以公开" and lifted["removed_at"]
    masked, unmasked = (AuditEvent.objects.get(action=a) for a in ("region_mask", "region_unmask"))
    assert masked.detail == {
        "item": component.item.ref_code,
        "regions": [1, 2],
        "pages": [1],
        "reason": "涉及个人肖像",
    }
    assert unmasked.detail["regions"] == [1]


@pytest.mark.django_db
def test_regions_need_a_reason_and_only_regions_in_force_can_be_lifted(fonds):
    component = _photo(fonds)
    with pytest.raises(ReviewError, match="必须写明理由"):
        add_regions(component, parse_regions("1 1 1 5 5", 1), "  ")
    component = add_regions(component, parse_regions("1 1 1 5 5", 1), "涉及隐私")
    remove_regions(component, [1], "误框")
    with pytest.raises(ReviewError, match="没有生效中的遮蔽区域 1"):
        remove_regions(component, [1], "再次取消")
    assert AuditEvent.objects.filter(action="region_unmask").count() == 1


@pytest.mark.django_db
def test_a_file_that_is_neither_image_nor_pdf_takes_no_regions(fonds):
    component = _photo(fonds)
    component.mime_type = "video/mp4"
    with pytest.raises(ReviewError, match="不是图像或 PDF"):
        add_regions(component, parse_regions("1 1 1 5 5", 1), "涉及隐私")
