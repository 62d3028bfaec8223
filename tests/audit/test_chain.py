"""The audit log is append-only and hash-chained; verify finds any edit, deletion or reorder."""

from __future__ import annotations

import pytest

from lantai.audit.chain import record, record_many
from lantai.audit.digests import matches
from lantai.audit.models import AuditEvent
from lantai.audit.verify import verify
from tests.audit.tamper import tamper
from tests.factories import make_item


@pytest.fixture
def chain(fonds):
    for n in range(5):
        record("note", object_repr=f"事件{n}", detail={"n": n})
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def test_model_changes_through_the_app_are_recorded(fonds):
    item = make_item(fonds, title="原题名")
    item.title = "新题名"
    item.save()
    events = AuditEvent.objects.filter(object_type="archive.item", object_id=str(item.pk))
    update = events.get(action="update")
    old, new = update.detail["changes"]["title"]
    assert matches("archive.item", "title", "原题名", old)
    assert matches("archive.item", "title", "新题名", new)
    assert events.filter(action="create").exists()


def test_untouched_chain_verifies(chain):
    result = verify()
    assert result.ok
    assert result.checked == AuditEvent.objects.count()


def test_editing_a_row_with_raw_sql_is_detected_and_named(chain):
    tamper("UPDATE audit_auditevent SET actor = %s WHERE seq = %s", "intruder", chain[2])
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == chain[2]
    assert "被修改" in result.problem


def test_deleting_a_middle_row_is_detected(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", chain[1])
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == chain[1]


def test_deleting_the_last_row_is_detected(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", chain[-1])
    result = verify()
    assert not result.ok
    assert "末尾" in result.problem


def test_reordering_rows_is_detected(chain):
    a, b = chain[1], chain[2]
    tamper("UPDATE audit_auditevent SET seq = -1 WHERE seq = %s", a)
    tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", a, b)
    tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", b)
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == a


def test_events_cannot_be_edited_or_deleted_through_the_orm(chain):
    event = AuditEvent.objects.get(seq=chain[0])
    event.actor = "someone else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_failed_login_is_recorded(client, db):
    client.post("/admin/login/", {"username": "ghost", "password": "nope"})
    assert AuditEvent.objects.filter(action="login_failed", object_repr="ghost").exists()


def test_bulk_appended_events_continue_the_chain_and_verify(chain, fonds):
    items = [make_item(fonds, title=f"批量{n}") for n in range(3)]
    before = AuditEvent.objects.order_by("-seq").first()
    appended = record_many("ingest", ((item, {"batch": "B1"}) for item in items))
    assert appended == 3
    new = list(AuditEvent.objects.filter(seq__gt=before.seq).order_by("seq"))
    assert [e.object_id for e in new] == [str(item.pk) for item in items]
    assert new[0].prev_hash == before.hash
    assert verify().ok


def test_bulk_append_of_nothing_changes_nothing(chain):
    count = AuditEvent.objects.count()
    assert record_many("ingest", []) == 0
    assert AuditEvent.objects.count() == count
    assert verify().ok


def test_bulk_appended_event_edited_afterwards_is_found(chain, fonds):
    record_many("ingest", [(make_item(fonds, title="被改"), {"n": 1})])
    last = AuditEvent.objects.order_by("-seq").first()
    tamper("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", '{"n": 2}', last.seq)
    result = verify()
    assert not result.ok and result.first_bad_seq == last.seq
