"""The item form: DA/T 18 fields checked as ingest checks them, 主题词 and 当事人 as lists,
the 档号 parts out of reach, one audit event a save, no silent overwrite, twins shown."""

from __future__ import annotations

import pytest

from lantai.archive.models import Component, Item, Series, Volume
from lantai.audit.models import AuditEvent
from lantai.describing import records
from lantai.search.models import SearchOutbox
from tests.factories import make_item, make_user, verified_login


@pytest.fixture
def notice(fonds):
    return make_item(
        fonds, title="关于防汛工作的通知", year=2019, date="2019-06-01", topics=["防汛"]
    )


def _url(item):
    return f"/staff/items/{item.fonds.code}/item/{item.pk}/"


def _form(client, item) -> dict[str, str]:
    """The form's values as the page shows them (what a browser would post back unchanged)."""
    form = client.get(_url(item)).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else str(value)
    return data


def test_an_archivist_corrects_a_title_and_adds_topics_as_tags(client, archivist, notice):
    verified_login(client, archivist)
    data = {
        **_form(client, notice),
        "title": "关于做好防汛工作的通知",
        "topics": "防汛，抗旱、救灾",
    }
    response = client.post(_url(notice), data)
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "关于做好防汛工作的通知"
    assert notice.topics == ["防汛", "抗旱", "救灾"]


def test_persons_concerned_are_kept_as_a_list(client, archivist, notice):
    verified_login(client, archivist)
    client.post(_url(notice), {**_form(client, notice), "persons": "张三\n李四；张三"})
    notice.refresh_from_db()
    assert notice.persons == ["张三", "李四"]


def test_a_save_is_one_audit_event_naming_the_changed_fields_and_tells_search(
    client, archivist, notice
):
    verified_login(client, archivist)
    data = _form(client, notice)
    before, queued = AuditEvent.objects.count(), SearchOutbox.objects.count()
    client.post(_url(notice), {**data, "creator": "兰台区防汛抗旱指挥部", "pages": "3"})
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["update"]
    assert set(events[0].detail["changes"]) == {"creator", "pages"}
    assert SearchOutbox.objects.count() > queued


def test_saving_the_form_unchanged_writes_nothing(client, archivist, notice):
    verified_login(client, archivist)
    data = _form(client, notice)
    before = AuditEvent.objects.count()
    assert client.post(_url(notice), data).status_code == 302
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2019年13月1日", "不是有效日期|无效"),
        ("date", "2099-01-01", "晚于今天"),
        ("date", "2020-03-05", "与年度 2019 不一致"),
        ("pages", "0", "至少为 1"),
        ("title", "", "必填|这个字段是必填项|required"),
        ("title", "通知\x07", "U\\+0007"),
        ("creator", "办公室\ue000", "U\\+E000"),
        ("classification", "超密", "选择|Select"),
        ("carrier", "胶片卷", "选择|Select"),
    ],
)
def test_a_bad_value_is_named_beside_its_field_and_nothing_is_saved(
    client, archivist, notice, field, value, message
):
    import re

    verified_login(client, archivist)
    before = AuditEvent.objects.count()
    response = client.post(_url(notice), {**_form(client, notice), field: value})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert re.search(message, errors), errors
    assert AuditEvent.objects.count() == before
    assert Item.objects.get(pk=notice.pk).title == "关于防汛工作的通知"


def test_a_date_written_the_chinese_way_is_stored_as_iso(client, archivist, notice):
    verified_login(client, archivist)
    client.post(_url(notice), {**_form(client, notice), "date": "2019年6月5日"})
    assert Item.objects.get(pk=notice.pk).date == "2019-06-05"


def test_the_docket_parts_cannot_be_changed_through_the_form(client, archivist, notice):
    verified_login(client, archivist)
    data = {**_form(client, notice), "year": "2020", "retention": "D10", "open_status": "open"}
    client.post(_url(notice), data)
    stored = Item.objects.get(pk=notice.pk)
    assert (stored.year, stored.retention, stored.open_status, stored.ref_code) == (
        2019,
        "Y",
        "unreviewed",
        notice.ref_code,
    )


def test_an_edit_made_by_a_colleague_meanwhile_is_not_overwritten(client, archivist, notice):
    verified_login(client, archivist)
    data = _form(client, notice)
    records.save_description(
        archivist, notice.pk, {"creator": "同事改过"}, records.fingerprint(notice)
    )
    response = client.post(_url(notice), {**data, "title": "我的修改"})
    assert response.status_code == 200
    assert "已被他人修改" in " ".join(response.context["form"].non_field_errors())
    stored = Item.objects.get(pk=notice.pk)
    assert (stored.title, stored.creator) == ("关于防汛工作的通知", "同事改过")


def test_series_of_another_fonds_are_not_choices_and_the_volume_is_not_set_here(
    client, archivist, fonds, other_fonds, notice
):
    foreign = Series.objects.create(fonds=other_fonds, code="JC", name="基建")
    own_volume = Volume.objects.create(fonds=fonds, ref_code="J001-WS·2019·Y·BGS-001", title="卷")
    verified_login(client, archivist)
    data = _form(client, notice)
    response = client.post(_url(notice), {**data, "series": str(foreign.pk)})
    assert "series" in response.context["form"].errors
    client.post(_url(notice), {**data, "volume": str(own_volume.pk)})
    stored = Item.objects.get(pk=notice.pk)
    assert stored.series_id is None and stored.volume_id is None


def test_a_record_of_another_fonds_is_not_found(client, other_fonds, notice):
    stranger = make_user("archivist_b", "archivist", fonds=[other_fonds])
    verified_login(client, stranger)
    assert client.get(_url(notice)).status_code == 404
    assert client.post(_url(notice), {"title": "改掉"}).status_code == 404
    with pytest.raises(records.NotAssigned):
        records.save_description(
            stranger, notice.pk, {"title": "改掉"}, records.fingerprint(notice)
        )
    assert Item.objects.get(pk=notice.pk).title == "关于防汛工作的通知"


def test_a_reviewer_cannot_edit_a_description(client, reviewer, notice):
    verified_login(client, reviewer)
    assert client.get(_url(notice)).status_code == 403


def test_a_file_held_by_another_record_is_shown_with_its_twin(client, archivist, fonds, notice):
    twin = make_item(fonds, title="重复接收的同一文件", year=2019)
    digest = "ab" * 32
    for item in (notice, twin):
        Component.objects.create(
            item=item, original_name="通知.pdf", stored_path="x", size=10, sha256=digest
        )
    verified_login(client, archivist)
    response = client.get(_url(notice))
    (row,) = response.context["files"]
    assert row["twins"] == [twin]
    assert f"与 {twin.ref_code} 内容相同" in response.content.decode()
