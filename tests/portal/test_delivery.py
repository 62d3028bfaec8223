"""Public copies are watermarked derivatives, and hidden records' files answer 404."""

from __future__ import annotations

import io
from urllib.parse import quote, unquote

import pytest
from PIL import Image

from lantai.archive.models import Component, Item
from lantai.audit.models import AuditEvent
from lantai.ingest.batch import ingest
from tests.factories import verified_login
from tests.ingest.builders import row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGE_DIR = tmp_path / "storage"


def jpeg(width: int = 2400, height: int = 1800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo(make_folder, fonds):
    rows = [row(1, 文件名="0001.jpg", 门类="ZP")]
    folder = make_folder(rows=rows, files={"0001.jpg": jpeg()})
    report = ingest(folder, fonds_code="J001")
    assert report.status == "accepted", [c for c in report.checks if c["passed"] is False]
    return Item.objects.get()


def url(item: Item) -> str:
    component = Component.objects.get(item=item, role="master")
    return f"/item/{quote(item.ref_code)}/file/{component.pk}"


def test_public_gets_a_scaled_watermarked_copy_of_an_open_photo(client, photo):
    photo.open_status = "open"
    photo.save()
    response = client.get(url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert max(image.size) <= 1600  # never the 2400-pixel master
    assert AuditEvent.objects.filter(action="deliver").exists()


def test_head_of_an_open_photos_copy_answers_like_get_without_a_body(client, photo):
    photo.open_status = "open"
    photo.save()
    response = client.head(url(photo))
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert response.content == b""


def test_hidden_records_file_answers_404_like_a_missing_one(client, photo):
    assert client.get(url(photo)).status_code == 404
    assert client.get(f"/item/{quote(photo.ref_code)}/file/999999").status_code == 404


def test_item_page_links_the_watermarked_copy(client, photo):
    photo.open_status = "open"
    photo.save()
    body = client.get(f"/item/{quote(photo.ref_code)}").content.decode()
    assert "下载利用副本" in body


# --- masked records: the copy and its name come from the public rendition ---

NAME = "张明华"


def _masked_pdf_item(fonds, settings):
    from lantai.access.review import add_masks, decide
    from tests.access.test_watermark import pdf_bytes
    from tests.factories import make_item

    item = make_item(fonds, title="任职通知", text=f"经研究，{NAME}同志任副主任。", year=1990)
    path = settings.STORAGE_DIR / "aip" / "notice.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(pdf_bytes(pages=1, text="UNMASKED PDF LAYER"))
    component = Component.objects.create(
        item=item,
        role="master",
        original_name=f"扫描/{NAME}任职通知.pdf",
        stored_path="aip/notice.pdf",
        size=path.stat().st_size,
        mime_type="application/pdf",
        sha256="0" * 64,
    )
    item = add_masks(item, [NAME], "涉及个人姓名")
    decide(item, "open", "已满二十五年，姓名已遮蔽")
    return item, component


def test_a_masked_records_copy_is_its_masked_text_under_a_masked_name(client, fonds, settings):
    item, component = _masked_pdf_item(fonds, settings)
    response = client.get(f"/item/{quote(item.ref_code)}/file/{component.pk}")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert NAME not in text and "UNMASKED PDF LAYER" not in text and "［已遮蔽］同志" in text
    disposition = unquote(response["Content-Disposition"])
    assert NAME not in disposition and "［已遮蔽］任职通知.txt" in disposition


def test_staff_of_the_fonds_get_the_pdf_under_its_own_name(client, fonds, archivist, settings):
    item, component = _masked_pdf_item(fonds, settings)
    verified_login(client, archivist)
    response = client.get(f"/item/{quote(item.ref_code)}/file/{component.pk}")
    assert response["Content-Type"] == "application/pdf"
    assert f"{NAME}任职通知.pdf" in unquote(response["Content-Disposition"])


# --- 区域遮蔽: regions drawn by the reviewer are burnt into the public copy ---


def _median(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    from PIL import ImageStat

    return int(ImageStat.Stat(image.convert("L").crop(box)).median[0])


def test_the_public_copy_of_a_photo_has_its_regions_blacked_out(client, photo):
    from lantai.access.regions import add_regions, parse_regions

    photo.open_status = "open"
    photo.save()
    component = Component.objects.get(item=photo, role="master")
    add_regions(component, parse_regions("1 0 0 50 50", 1), "涉及个人肖像")
    image = Image.open(io.BytesIO(client.get(url(photo)).content))
    width, height = image.size
    assert _median(image, (0, 0, width // 2 - 2, height // 2 - 2)) < 40
    assert _median(image, (width // 2 + 2, height // 2 + 2, width, height)) > 120


def test_a_masked_records_pdf_with_regions_is_delivered_as_pdf_without_a_text_layer(
    client, fonds, settings
):
    from pypdf import PdfReader

    from lantai.access.regions import add_regions, parse_regions

    item, component = _masked_pdf_item(fonds, settings)
    add_regions(component, parse_regions("1 10 10 80 10", 1), "涉及个人姓名")
    page = client.get(f"/item/{quote(item.ref_code)}").content.decode()
    assert "以黑色方块标示" in page and f"/file/{component.pk}" in page
    response = client.get(f"/item/{quote(item.ref_code)}/file/{component.pk}")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "UNMASKED PDF LAYER" not in text
    assert NAME not in unquote(response["Content-Disposition"])


def test_a_masked_records_file_without_regions_is_not_offered_as_a_file(client, fonds, settings):
    item, component = _masked_pdf_item(fonds, settings)
    page = client.get(f"/item/{quote(item.ref_code)}").content.decode()
    assert f"/file/{component.pk}" not in page and "以黑色方块标示" not in page


def test_staff_of_another_fonds_get_the_regions_and_staff_of_the_fonds_the_original(
    client, fonds, other_fonds, archivist, settings
):
    from pypdf import PdfReader

    from lantai.access.regions import add_regions, parse_regions
    from tests.factories import make_user

    item, component = _masked_pdf_item(fonds, settings)
    add_regions(component, parse_regions("1 10 10 80 10", 1), "涉及个人姓名")
    link = f"/item/{quote(item.ref_code)}/file/{component.pk}"
    verified_login(client, make_user("outsider", "archivist", fonds=[other_fonds]))
    outsider = PdfReader(io.BytesIO(client.get(link).content))
    assert "UNMASKED PDF LAYER" not in outsider.pages[0].extract_text()
    client.logout()
    verified_login(client, archivist)
    own = PdfReader(io.BytesIO(client.get(link).content))
    assert "UNMASKED PDF LAYER" in own.pages[0].extract_text()
