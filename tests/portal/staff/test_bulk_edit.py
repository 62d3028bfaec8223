"""Bulk description: a plan shown first, applied only as confirmed, one audit event, one fonds."""

from __future__ import annotations

import pytest

from lantai.archive.models import Item, Series
from lantai.audit.models import AuditEvent
from lantai.describing import bulk
from tests.factories import make_item, verified_login


@pytest.fixture
def twenty(fonds):
    return [
        make_item(fonds, title=f"第{n}号通知", year=2001, topics=["民生"] if n % 2 else [])
        for n in range(20)
    ]


def _post(client, fonds, items, action, value, **extra):
    data = {"items": [i.pk for i in items], "action": action, "value": value, **extra}
    return client.post(f"/staff/items/{fonds.code}/bulk/", data)


def test_twenty_records_get_a_topic_after_a_shown_plan_and_in_one_audit_event(
    client, archivist, fonds, twenty
):
    verified_login(client, archivist)
    before = AuditEvent.objects.count()
    preview = _post(client, fonds, twenty, "add_topics", "民生，脱贫攻坚")
    assert preview.status_code == 200
    planned = preview.context["plan"]
    assert len(planned.changed) == 20 and not planned.unchanged
    assert AuditEvent.objects.count() == before  # a plan writes nothing
    assert all("脱贫攻坚" not in i.topics for i in Item.objects.filter(fonds=fonds))

    done = _post(
        client, fonds, twenty, "add_topics", "民生，脱贫攻坚", fingerprint=planned.fingerprint
    )
    assert done.status_code == 302
    topics = [set(i.topics) for i in Item.objects.filter(pk__in=[t.pk for t in twenty])]
    assert all(t == {"民生", "脱贫攻坚"} for t in topics)
    events = AuditEvent.objects.order_by("seq")[before:]
    assert [e.action for e in events] == ["bulk_edit"]
    assert events[0].detail["count"] == 20 and len(events[0].detail["items"]) == 20


def test_the_index_is_told_about_every_changed_record(archivist, fonds, twenty, monkeypatch):
    told: list[int] = []
    monkeypatch.setattr(bulk.outbox, "enqueue", lambda ids, hides: told.extend(ids))
    ids = [i.pk for i in twenty]
    planned = bulk.plan(archivist, fonds, ids, "creator", "兰台区人民政府办公室")
    bulk.apply(archivist, fonds, ids, "creator", "兰台区人民政府办公室", planned.fingerprint)
    assert sorted(told) == sorted(ids)


def test_a_record_changed_after_the_plan_was_shown_stops_the_whole_action(archivist, fonds, twenty):
    ids = [i.pk for i in twenty]
    planned = bulk.plan(archivist, fonds, ids, "creator", "区政府办")
    Item.objects.filter(pk=ids[0]).update(creator="区政府办")  # someone else, meanwhile
    with pytest.raises(bulk.BulkError, match="已被修改"):
        bulk.apply(archivist, fonds, ids, "creator", "区政府办", planned.fingerprint)
    assert Item.objects.filter(pk__in=ids[1:], creator="区政府办").count() == 0


def test_records_of_another_fonds_refuse_the_whole_action(archivist, fonds, other_fonds, twenty):
    elsewhere = make_item(other_fonds, title="卫健局文件")
    ids = [twenty[0].pk, elsewhere.pk]
    with pytest.raises(bulk.BulkError, match="不属于本全宗"):
        bulk.plan(archivist, fonds, ids, "creator", "某单位")
    with pytest.raises(bulk.BulkError, match="分管全宗"):
        bulk.plan(archivist, other_fonds, [elsewhere.pk], "creator", "某单位")


def test_removing_a_topic_leaves_records_without_it_unchanged(archivist, fonds, twenty):
    planned = bulk.plan(archivist, fonds, [i.pk for i in twenty], "remove_topics", "民生")
    assert len(planned.changed) == 10 and len(planned.unchanged) == 10


def test_moving_to_a_series_of_another_fonds_is_refused(archivist, fonds, other_fonds, twenty):
    Series.objects.create(fonds=other_fonds, code="WJJ", name="卫健局")
    with pytest.raises(bulk.BulkError, match="没有类别号"):
        bulk.plan(archivist, fonds, [twenty[0].pk], "series", "WJJ")


def test_moving_to_a_series_of_the_fonds_files_them_there(archivist, fonds, twenty):
    office = Series.objects.create(fonds=fonds, code="BGS", name="办公室")
    ids = [i.pk for i in twenty[:5]]
    planned = bulk.plan(archivist, fonds, ids, "series", "BGS")
    bulk.apply(archivist, fonds, ids, "series", "BGS", planned.fingerprint)
    assert Item.objects.filter(series=office).count() == 5


def test_proposing_for_review_puts_unreviewed_records_in_the_queue(archivist, fonds, twenty):
    opened = make_item(fonds, title="已开放", open_status="open")
    ids = [twenty[0].pk, opened.pk]
    planned = bulk.plan(archivist, fonds, ids, "propose", "社会关注度高，建议提前开放")
    assert [c.item.pk for c in planned.changed] == [twenty[0].pk]
    bulk.apply(archivist, fonds, ids, "propose", "社会关注度高，建议提前开放", planned.fingerprint)
    twenty[0].refresh_from_db()
    assert twenty[0].review_proposed_at is not None


@pytest.mark.parametrize(
    "case",
    [
        ("classification", "绝密级", "密级应为"),
        ("add_topics", " ，、 ", "请填写主题词"),
        ("propose", "", "写明理由"),
        ("year", "2020", "未知的批量操作"),  # a 档号 part: a renumbering, not a bulk edit
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_changes(
    client, archivist, fonds, twenty, case
):
    action, value, message = case
    verified_login(client, archivist)
    response = _post(client, fonds, twenty[:3], action, value)
    assert response.status_code == 302
    notice = client.get(response["Location"]).content.decode()
    assert message in notice
    assert not AuditEvent.objects.filter(action="bulk_edit").exists()


def test_forged_ids_are_refused(client, archivist, fonds, twenty):
    verified_login(client, archivist)
    response = client.post(
        f"/staff/items/{fonds.code}/bulk/", {"items": ["٣", "1" * 20], "action": "creator"}
    )
    assert "编号无效" in client.get(response["Location"]).content.decode()


def test_a_reviewer_cannot_bulk_edit(client, reviewer, fonds, twenty):
    verified_login(client, reviewer)
    assert _post(client, fonds, twenty[:2], "creator", "某单位").status_code == 403


def test_the_return_link_never_leaves_the_list(client, archivist, fonds, twenty):
    verified_login(client, archivist)
    response = _post(client, fonds, twenty[:1], "propose", "", back="//evil.example/")
    assert response["Location"] == f"/staff/items/{fonds.code}/"


def test_an_archivist_of_another_fonds_cannot_post_a_bulk_action_to_this_one(
    client, other_fonds, fonds, twenty
):
    from tests.factories import make_user

    stranger = make_user("archivist_b", "archivist", fonds=[other_fonds])
    verified_login(client, stranger)
    assert _post(client, fonds, twenty[:2], "creator", "某单位").status_code == 404
    assert not Item.objects.filter(creator="某单位").exists()
