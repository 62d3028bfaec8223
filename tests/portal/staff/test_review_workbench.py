"""The review workbench: the reviewer sees the record itself beside its text, description, the
flags (each once), the archivist's proposal and the transferring unit's opinion, decides, and
moves on to the next record; the queue counts what waits per fonds and year."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image

from lantai.archive.models import Component
from lantai.audit.models import AuditEvent
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
        original_name=f"data/{name}",
        stored_path=str(path.relative_to(settings.STORAGE_DIR)),
        size=len(content),
        mime_type=mime,
        sha256=f"{len(content):064x}",
    )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def scanned(fonds, settings):
    item = make_item(
        fonds,
        title="一九九〇年职工调资审批表",
        year=1990,
        text="联系电话13800138000。如有疑问请拨13800138000，或13800138000。",
        review_proposed_at=timezone.now(),
        review_proposal="已满三十年，内容为一般工作事务",
        joint_opinion="区人社局：同意开放",
    )
    _stored(settings, item, "审批表.png", _png(), "image/png")
    _stored(settings, item, "录像.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    return item


def test_the_reviewer_sees_the_originals_beside_the_text_proposal_and_opinion(
    client, reviewer, scanned
):
    verified_login(client, reviewer)
    page = client.get(f"/staff/review/item/{scanned.pk}/").content.decode()
    image, video = scanned.components.order_by("id")
    assert f'<img src="/staff/review/item/{scanned.pk}/file/{image.pk}/"' in page
    assert (
        f'<video controls preload="metadata" src="/staff/review/item/{scanned.pk}/file/{video.pk}/"'
        in page
    )
    assert "已满三十年，内容为一般工作事务" in page and "区人社局：同意开放" in page
    assert "联系电话" in page  # the text beside the originals


def test_an_original_is_served_watermarked_inline_and_each_view_is_audited(
    client, reviewer, scanned
):
    verified_login(client, reviewer)
    image, video = scanned.components.order_by("id")
    response = client.get(f"/staff/review/item/{scanned.pk}/file/{image.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    # A derivative (JPEG from the PNG master), not the stored file.
    assert response.content[:2] == b"\xff\xd8"
    assert Image.open(io.BytesIO(response.content)).size == (400, 300)
    played = client.get(f"/staff/review/item/{scanned.pk}/file/{video.pk}/")
    assert b"".join(played.streaming_content).startswith(b"\x00\x00\x00\x18ftyp")
    views = AuditEvent.objects.filter(action="staff_view").order_by("seq")
    assert [e.detail for e in views] == [{"item": scanned.ref_code, "purpose": "review"}] * 2
    assert views[0].actor == "user:reviewer"


def test_a_repeated_telephone_number_is_flagged_once_with_its_count(client, reviewer, scanned):
    verified_login(client, reviewer)
    page = client.get(f"/staff/review/item/{scanned.pk}/").content.decode()
    assert page.count("<strong>电话号码</strong>") == 1 and "共 3 处" in page


def test_after_a_decision_the_reviewer_moves_to_the_next_record_with_the_same_filters(
    client, reviewer, fonds
):
    first = make_item(fonds, title="一九八〇年甲", year=1980)
    second = make_item(fonds, title="一九八一年乙", year=1981)
    make_item(fonds, title="一九八二年丙", year=1982)
    verified_login(client, reviewer)
    decide = {"items": first.pk, "decision": "open", "reason": "已满年限", "advance": "1"}
    response = client.post("/staff/review/decide/", {**decide, "fonds": "J001"})
    assert response["Location"] == f"/staff/review/item/{second.pk}/?fonds=J001"
    # With a year filter that leaves nothing after it, the reviewer is sent back to the queue.
    decide["items"] = second.pk
    response = client.post("/staff/review/decide/", {**decide, "year": "1981"})
    assert response["Location"] == "/staff/review/?year=1981"
    assert "队列中已没有待审的档案" in client.get(response["Location"]).content.decode()


def test_the_queue_counts_waiting_records_per_fonds_and_year(client, reviewer, fonds):
    for year in (1980, 1980, 1985):
        make_item(fonds, year=year)
    make_item(fonds, year=2024)  # not yet due
    verified_login(client, reviewer)
    page = client.get("/staff/review/").content.decode()
    assert "待审 3 件" in page
    assert '<a href="?fonds=J001&amp;year=1980">1980</a></td><td>2</td>' in page
    assert '<a href="?fonds=J001&amp;year=1985">1985</a></td><td>1</td>' in page


def test_originals_of_another_fonds_and_for_archivists_are_refused(
    client, scanned, archivist, other_fonds
):
    image = scanned.components.first()
    url = f"/staff/review/item/{scanned.pk}/file/{image.pk}/"
    verified_login(client, make_user("reviewer_b", "reviewer", fonds=[other_fonds]))
    assert client.get(url).status_code == 404
    verified_login(client, archivist)
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="staff_view").exists()
