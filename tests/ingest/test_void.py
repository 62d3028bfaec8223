"""作废: a wrongly accepted batch is withdrawn by a recorded decision; its records leave every
list, queue and search, while their files, packages and audit trail stay."""

from __future__ import annotations

import datetime

import pytest

from lantai.access.queue import queue_for
from lantai.archive.models import Component, Item, TransferBatch
from lantai.audit.models import AuditEvent
from lantai.ingest import void
from lantai.ingest.batch import _context
from lantai.search.indexer import apply_outbox
from lantai.search.service import search_as_operator, search_for
from tests.factories import make_item, make_user, verified_login

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def batch(fonds):
    return TransferBatch.objects.create(
        fonds=fonds, code="J001-20261204-001", agency="区卫生健康局", state="accepted"
    )


@pytest.fixture
def wrong(batch, fonds):
    """A record of the wrong batch: unreviewed, due for review, with a stored file."""
    item = make_item(fonds, title="误收的防汛值班表", year=1990, batch=batch, text="防汛值班安排")
    Component.objects.create(
        item=item, original_name="值班表.pdf", stored_path="x/值班表.pdf", size=3, sha256="ab" * 32
    )
    return item


@pytest.fixture
def kept(fonds):
    return make_item(fonds, title="正常入库的防汛总结", year=1990, text="防汛工作总结")


def _void(user, batch):
    return void.void(user, batch.code, decision="兰档发〔2026〕12号", reason="误收卫健局材料")


def test_a_voided_batchs_records_leave_the_archivists_list_queue_and_search(
    archivist, reviewer, batch, wrong, kept
):
    apply_outbox()
    assert search_for(archivist, "防汛").total == 2
    _void(archivist, batch)
    apply_outbox()
    assert list(Item.objects.of_fonds_for(archivist, batch.fonds)) == [kept]
    assert not Item.objects.visible_to(archivist).filter(pk=wrong.pk).exists()
    assert [i.pk for i in queue_for(reviewer, TODAY)] == [kept.pk]
    assert [h.ref_code for h in search_for(archivist, "防汛").hits] == [kept.ref_code]
    # The server operator (superuser) still finds it: nothing was deleted.
    assert search_as_operator("值班").total == 1


def test_voiding_keeps_the_records_files_and_records_one_audit_event(archivist, batch, wrong):
    _void(archivist, batch)
    batch.refresh_from_db()
    assert batch.state == "voided" and batch.voided_by == "archivist"
    assert batch.void_decision == "兰档发〔2026〕12号" and batch.voided_at is not None
    assert Item.objects.filter(pk=wrong.pk).exists() and wrong.components.count() == 1
    event = AuditEvent.objects.get(action="batch_voided")
    assert event.detail == {
        "decision": "兰档发〔2026〕12号",
        "reason": "误收卫健局材料",
        "items": 1,
    }


def test_a_voided_batchs_open_record_is_not_public_anymore(archivist, fonds, client):
    batch = TransferBatch.objects.create(fonds=fonds, code="B2", state="accepted")
    item = make_item(fonds, title="公开的通知", batch=batch, open_status="open")
    apply_outbox()
    assert client.get("/api/search", {"q": "公开的通知"}).json()["total"] == 1
    # An opened record blocks the void until it is reviewed back; force it to check the filter.
    TransferBatch.objects.filter(pk=batch.pk).update(state="voided")
    Item.objects.filter(pk=item.pk).update(title="公开的通知")  # no signal: queue it by hand
    from lantai.search import outbox

    outbox.enqueue([item.pk], hides=True)
    apply_outbox()
    assert client.get("/api/search", {"q": "公开的通知"}).json()["total"] == 0
    assert client.get(f"/item/{item.ref_code}").status_code == 404


def test_a_void_needs_a_decision_and_a_reason(archivist, batch, wrong):
    with pytest.raises(void.VoidError, match="作废依据"):
        void.void(archivist, batch.code, decision=" ", reason="误收")
    with pytest.raises(void.VoidError, match="作废原因"):
        void.void(archivist, batch.code, decision="会议记录", reason="")
    assert TransferBatch.objects.get(pk=batch.pk).state == "accepted"


def test_a_batch_with_an_opened_record_or_one_in_a_volume_is_not_voided(
    archivist, batch, wrong, fonds
):
    Item.objects.filter(pk=wrong.pk).update(open_status="open")
    with pytest.raises(void.VoidError, match=f"已开放.*{wrong.ref_code}"):
        _void(archivist, batch)
    assert TransferBatch.objects.get(pk=batch.pk).state == "accepted"
    assert not AuditEvent.objects.filter(action="batch_voided").exists()


def test_only_an_accepted_batch_of_ones_own_fonds_is_voided(archivist, batch, other_fonds):
    other = TransferBatch.objects.create(fonds=other_fonds, code="J002-1", state="accepted")
    with pytest.raises(void.VoidError, match="没有批次"):
        _void(archivist, other)
    TransferBatch.objects.filter(pk=batch.pk).update(state="returned")
    with pytest.raises(void.VoidError, match="只有已入库的批次"):
        _void(archivist, batch)


def test_a_voided_batchs_files_are_no_longer_held_duplicates(archivist, batch, wrong, fonds):
    assert "ab" * 32 in _context(fonds, {}).existing_digests(["ab" * 32])
    _void(archivist, batch)
    assert _context(fonds, {}).existing_digests(["ab" * 32]) == {}


def test_the_batch_page_shows_the_plan_and_voids_on_post(client, archivist, batch, wrong):
    verified_login(client, archivist)
    page = client.get(f"/staff/ingest/batch/{batch.code}/").content.decode()
    assert "作废本批次" in page and "1 件档案" in page
    response = client.post(
        f"/staff/ingest/batch/{batch.code}/void/",
        {"decision": "兰档发〔2026〕12号", "reason": "误收"},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "已作废" in body and "兰档发〔2026〕12号" in body
    assert client.get(f"/staff/items/J001/item/{wrong.pk}/").status_code == 404


def test_the_batch_page_says_why_a_void_is_refused(client, archivist, batch, wrong):
    Item.objects.filter(pk=wrong.pk).update(open_status="open")
    verified_login(client, archivist)
    page = client.get(f"/staff/ingest/batch/{batch.code}/").content.decode()
    assert "已开放" in page and 'name="decision"' not in page


def test_a_reviewer_cannot_void_and_an_archivist_of_another_fonds_gets_not_found(
    client, reviewer, batch, wrong, other_fonds
):
    verified_login(client, reviewer)
    url = f"/staff/ingest/batch/{batch.code}/void/"
    assert client.post(url, {"decision": "x", "reason": "y"}).status_code == 403
    stranger = make_user("stranger", "archivist", fonds=[other_fonds])
    verified_login(client, stranger)
    assert client.post(url, {"decision": "x", "reason": "y"}).status_code == 404
    assert TransferBatch.objects.get(pk=batch.pk).state == "accepted"
