"""区域遮蔽 on the workbench: the reviewer draws on the page image, the rectangles travel with
the decision as lines, a bad line refuses the whole decision, and lifting a region is a
decision of its own; pages of PDFs are shown one at a time, to the reviewers of the fonds only."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from lantai.access.regions import active_regions
from lantai.archive.models import Component, Item
from lantai.audit.models import AuditEvent
from tests.access.test_watermark import pdf_bytes
from tests.factories import make_item, make_user, verified_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def _stored(settings, item, name: str, content: bytes, mime: str) -> Component:
    path = settings.STORAGE_DIR / "aip" / item.ref_code / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return Component.objects.create(
        item=item,
        role="master",
        original_name=f"data/{name}",
        stored_path=str(path.relative_to(settings.STORAGE_DIR)),
        size=len(content),
        mime_type=mime,
        sha256=f"{len(content):064x}",
    )


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (230, 230, 230)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def scan(fonds, settings):
    item = make_item(fonds, title="一九八〇年合影", year=1980)
    photo = _stored(settings, item, "合影.jpg", _jpeg(), "image/jpeg")
    pdf = _stored(settings, item, "名单.pdf", pdf_bytes(pages=3, text="ROSTER"), "application/pdf")
    return item, photo, pdf


def _decide(client, item, **fields):
    data = {"items": item.pk, "decision": "open", "reason": "已满年限，肖像已遮蔽", **fields}
    return client.post("/staff/review/decide/", data, follow=True)


def test_the_workbench_shows_each_image_and_pdf_page_ready_to_draw_on(client, reviewer, scan):
    item, photo, pdf = scan
    verified_login(client, reviewer)
    page = client.get(f"/staff/review/item/{item.pk}/").content.decode()
    assert f'data-target="regions-{photo.pk}"' in page and f'data-target="regions-{pdf.pk}"' in page
    assert f"/staff/review/item/{item.pk}/file/{pdf.pk}/page/1.jpg" in page
    assert "第 1 / 3 页" in page and 'form="decide-form"' in page
    page = client.get(f"/staff/review/item/{item.pk}/?file={pdf.pk}&page=3").content.decode()
    assert f"/file/{pdf.pk}/page/3.jpg" in page and "第 3 / 3 页" in page


def test_regions_drawn_with_a_decision_are_recorded_with_it_and_shown_on_the_page(
    client, reviewer, scan
):
    item, photo, pdf = scan
    verified_login(client, reviewer)
    _decide(
        client, item, **{f"regions-{photo.pk}": "1 10 10 30 30", f"regions-{pdf.pk}": "2 0 0 50 10"}
    )
    assert Item.objects.get(pk=item.pk).open_status == "open"
    assert [e["page"] for e in active_regions(Component.objects.get(pk=pdf.pk))] == [2]
    masked = AuditEvent.objects.filter(action="region_mask")
    assert {e.detail["reason"] for e in masked} == {"已满年限，肖像已遮蔽"} and masked.count() == 2
    page = client.get(f"/staff/review/item/{item.pk}/").content.decode()
    assert '<rect class="masked" x="10.00" y="10.00" width="30.00" height="30.00">' in page


def test_a_bad_region_line_refuses_the_decision_and_saves_nothing(client, reviewer, scan):
    item, photo, _ = scan
    verified_login(client, reviewer)
    response = _decide(client, item, **{f"regions-{photo.pk}": "1 10 10 30 30\n1 95 10 30 30"})
    assert "合影.jpg：遮蔽区域第 2 行超出页面" in response.content.decode()
    assert Item.objects.get(pk=item.pk).open_status != "open"
    assert Component.objects.get(pk=photo.pk).regions == []
    assert not AuditEvent.objects.filter(action__in=["region_mask", "review_decision"]).exists()


def test_a_pdf_page_is_shown_as_a_watermarked_image_and_as_the_public_will_get_it(
    client, reviewer, scan
):
    item, _, pdf = scan
    verified_login(client, reviewer)
    _decide(client, item, **{f"regions-{pdf.pk}": "1 0 0 100 50"})
    plain = client.get(f"/staff/review/item/{item.pk}/file/{pdf.pk}/page/1.jpg")
    public = client.get(f"/staff/review/item/{item.pk}/file/{pdf.pk}/page/1.jpg?public=1")
    assert plain["Content-Type"] == public["Content-Type"] == "image/jpeg"
    top = (0, 0, 200, 100)
    assert Image.open(io.BytesIO(plain.content)).convert("L").crop(top).getextrema()[1] > 200
    assert Image.open(io.BytesIO(public.content)).convert("L").crop(top).getextrema()[1] < 80
    assert client.get(f"/staff/review/item/{item.pk}/file/{pdf.pk}/page/4.jpg").status_code == 404


def test_lifting_a_region_needs_a_reason_and_is_its_own_audited_decision(client, reviewer, scan):
    item, photo, _ = scan
    verified_login(client, reviewer)
    _decide(client, item, **{f"regions-{photo.pk}": "1 10 10 30 30\n1 50 50 10 10"})
    lift = f"/staff/review/item/{item.pk}/file/{photo.pk}/unmask/"
    page = client.post(lift, {"regions": ["1"], "reason": ""}, follow=True).content.decode()
    assert "必须写明理由" in page and len(active_regions(Component.objects.get(pk=photo.pk))) == 2
    client.post(lift, {"regions": ["1"], "reason": "经复核不涉及隐私"})
    assert [e["id"] for e in active_regions(Component.objects.get(pk=photo.pk))] == [2]
    assert AuditEvent.objects.get(action="region_unmask").detail["reason"] == "经复核不涉及隐私"


def test_pages_and_lifting_are_refused_outside_the_reviewers_fonds(
    client, scan, archivist, other_fonds
):
    item, photo, pdf = scan
    page = f"/staff/review/item/{item.pk}/file/{pdf.pk}/page/1.jpg"
    lift = f"/staff/review/item/{item.pk}/file/{photo.pk}/unmask/"
    verified_login(client, make_user("reviewer_b", "reviewer", fonds=[other_fonds]))
    assert client.get(page).status_code == 404
    assert client.post(lift, {"regions": ["1"], "reason": "x"}).status_code == 404
    verified_login(client, archivist)
    assert client.get(page).status_code == 403
    assert not AuditEvent.objects.filter(action__in=["staff_view", "region_unmask"]).exists()
