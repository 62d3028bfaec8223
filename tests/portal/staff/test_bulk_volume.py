"""移入案卷 as a bulk action: records of the volume's class join it at the end, leave their old
volume closed up, in one audit event; anything else is refused before anything is written."""

from __future__ import annotations

import pytest

from lantai.archive.models import Item, Volume
from lantai.audit.models import AuditEvent
from lantai.describing import bulk, volumes
from tests.factories import make_item, make_user, verified_login


@pytest.fixture
def records(fonds):
    return [make_item(fonds, title=f"第{n}号纪要", year=1990, pages=2) for n in range(6)]


def _move(user, fonds, items, code):
    ids = [i.pk for i in items]
    planned = bulk.plan(user, fonds, ids, "volume", code)
    return bulk.apply(user, fonds, ids, "volume", code, planned.fingerprint)


def test_selected_records_join_the_volume_at_its_end_in_one_audit_event(archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [records[0].pk, records[1].pk], "1990年纪要")
    before = AuditEvent.objects.count()
    done = _move(archivist, fonds, records[2:5], volume.ref_code)
    assert len(done.changed) == 3
    held = list(Item.objects.filter(volume=volume).order_by("volume_position"))
    assert [i.pk for i in held] == [r.pk for r in records[:5]]
    assert [i.volume_position for i in held] == [1, 2, 3, 4, 5]
    volume.refresh_from_db()
    assert volume.pages == 10  # recounted from its records
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["bulk_edit"]
    moved = events[0].detail["items"][records[2].ref_code]["volume"]
    assert moved == [None, volume.ref_code]


def test_records_leaving_another_volume_close_it_up(archivist, fonds, records):
    first = volumes.build(archivist, fonds, [r.pk for r in records[:3]], "甲卷")
    second = volumes.build(archivist, fonds, [records[3].pk], "乙卷")
    _move(archivist, fonds, [records[1]], second.ref_code)
    left = list(Item.objects.filter(volume=first).order_by("volume_position"))
    assert [(i.pk, i.volume_position) for i in left] == [(records[0].pk, 1), (records[2].pk, 2)]
    first.refresh_from_db()
    assert first.pages == 4
    assert Item.objects.get(pk=records[1].pk).volume_position == 2


def test_a_record_already_in_the_volume_is_listed_as_unchanged(archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [records[0].pk], "甲卷")
    planned = bulk.plan(archivist, fonds, [records[0].pk, records[1].pk], "volume", volume.ref_code)
    assert [c.item.pk for c in planned.changed] == [records[1].pk]
    assert [i.pk for i in planned.unchanged] == [records[0].pk]


def test_a_record_of_another_class_is_refused_and_nothing_moves(archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [records[0].pk], "甲卷")
    other_year = make_item(fonds, title="1991年的文件", year=1991)
    with pytest.raises(bulk.BulkError, match="不能移入该卷"):
        bulk.plan(archivist, fonds, [records[1].pk, other_year.pk], "volume", volume.ref_code)
    assert Item.objects.filter(volume=volume).count() == 1


def test_a_volume_of_another_fonds_is_not_found(archivist, fonds, other_fonds, records):
    owner = make_user("other-archivist", "archivist", fonds=[other_fonds])
    theirs = volumes.build(
        owner, other_fonds, [make_item(other_fonds, title="外宗", year=1990).pk], "外宗卷"
    )
    with pytest.raises(bulk.BulkError, match="没有案卷档号"):
        bulk.plan(archivist, fonds, [records[0].pk], "volume", theirs.ref_code)
    assert Volume.objects.get(pk=theirs.pk).items.count() == 1


def test_the_list_page_previews_and_applies_the_move(client, archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [records[0].pk], "甲卷")
    verified_login(client, archivist)
    data = {"items": [records[1].pk], "action": "volume", "value": volume.ref_code}
    preview = client.post(f"/staff/items/{fonds.code}/bulk/", data)
    assert preview.status_code == 200
    assert f"{volume.ref_code} 甲卷" in preview.content.decode()
    planned = preview.context["plan"]
    done = client.post(
        f"/staff/items/{fonds.code}/bulk/", {**data, "fingerprint": planned.fingerprint}
    )
    assert done.status_code == 302
    assert Item.objects.get(pk=records[1].pk).volume_id == volume.pk
