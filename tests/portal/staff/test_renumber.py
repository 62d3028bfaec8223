"""改号: a 档号 stays true to its parts through an explicit, audited step; the old one redirects."""

from __future__ import annotations

import pytest
from django.utils.encoding import iri_to_uri

from lantai.archive.models import Item, RefCodeAlias
from lantai.audit.models import AuditEvent
from lantai.describing import renumber
from tests.factories import make_item, make_user, verified_login

REASON = "年度著录错误，据原件更正"


@pytest.fixture
def notice(fonds):
    return make_item(fonds, title="关于防汛工作的通知", year=2019, open_status="open")


def _new_parts(item, **changed):
    return {**renumber.current_parts(item), **changed}


def test_changing_the_year_allocates_a_number_in_the_new_group_and_keeps_the_old_as_alias(
    archivist, fonds, notice
):
    make_item(fonds, title="二〇二〇年已有的一件", year=2020)  # 2020 group already holds 件号 1
    old = notice.ref_code
    new = renumber.apply(archivist, notice.pk, _new_parts(notice, year="2020"), REASON, old)
    notice.refresh_from_db()
    assert notice.ref_code == new != old and notice.year == 2020
    assert fonds.grammar.parse(new).parts["year"] == "2020"
    assert fonds.grammar.parse(new).number == 2  # after the record already numbered there
    assert RefCodeAlias.objects.get(old_code=old).item == notice


def test_a_renumbering_is_one_audit_event_with_both_numbers_and_the_reason(archivist, notice):
    old = notice.ref_code
    before = AuditEvent.objects.count()
    new = renumber.apply(archivist, notice.pk, _new_parts(notice, category="ZP"), REASON, old)
    events = [e for e in AuditEvent.objects.order_by("seq")[before:] if e.action == "renumber"]
    assert len(events) == 1
    assert events[0].detail == {
        "old": old,
        "new": new,
        "changes": {"category": ["WS", "ZP"]},
        "reason": REASON,
    }


def test_the_old_number_redirects_to_the_record_for_whoever_may_see_it(client, archivist, notice):
    old = notice.ref_code
    new = renumber.apply(archivist, notice.pk, _new_parts(notice, retention="D30"), REASON, old)
    response = client.get(f"/item/{old}")
    assert response.status_code == 301 and response["Location"] == iri_to_uri(f"/item/{new}")


def test_the_old_number_of_a_closed_record_is_as_unknown_as_any_to_the_public(
    client, archivist, fonds
):
    closed = make_item(fonds, title="内部人事任免", year=2019, open_status="closed")
    old = closed.ref_code
    renumber.apply(archivist, closed.pk, _new_parts(closed, year="2018"), REASON, old)
    assert client.get(f"/item/{old}").status_code == 404
    assert client.get("/item/J001-WS·2019-Y-BGS-9999").status_code == 404


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"year": "二〇二〇"}, "四位数字"),
        ({"category": "XX"}, "门类"),
        ({"retention": "十年"}, "保管期限"),
        ({"org": ""}, "不能为空"),
        ({}, "没有变化"),
    ],
)
def test_bad_parts_are_refused_with_a_chinese_message_and_nothing_changes(
    archivist, notice, changed, message
):
    old = notice.ref_code
    with pytest.raises(renumber.RenumberError, match=message):
        renumber.apply(archivist, notice.pk, _new_parts(notice, **changed), REASON, old)
    notice.refresh_from_db()
    assert notice.ref_code == old and not RefCodeAlias.objects.exists()


def test_a_reason_is_required(archivist, notice):
    with pytest.raises(renumber.RenumberError, match="理由"):
        renumber.apply(archivist, notice.pk, _new_parts(notice, year="2020"), " ", notice.ref_code)


def test_a_number_changed_since_the_plan_was_shown_stops_the_renumbering(archivist, notice):
    shown = notice.ref_code
    renumber.apply(archivist, notice.pk, _new_parts(notice, year="2020"), REASON, shown)
    with pytest.raises(renumber.RenumberError, match="已被修改"):
        renumber.apply(archivist, notice.pk, _new_parts(notice, year="2021"), REASON, shown)


def test_an_archivist_of_another_fonds_cannot_renumber(client, other_fonds, fonds, notice):
    stranger = make_user("archivist_b", "archivist", fonds=[other_fonds])
    with pytest.raises(renumber.RenumberError, match="分管全宗"):
        renumber.plan(stranger, notice, _new_parts(notice, year="2020"))
    verified_login(client, stranger)
    assert client.get(f"/staff/items/J001/item/{notice.pk}/renumber/").status_code == 404


def test_the_page_shows_the_plan_then_renumbers_on_confirmation(client, archivist, notice):
    verified_login(client, archivist)
    url = f"/staff/items/J001/item/{notice.pk}/renumber/"
    parts = _new_parts(notice, year="2021")
    preview = client.post(url, {**parts, "reason": REASON})
    assert preview.status_code == 200 and preview.context["plan"].changes == {
        "year": ("2019", "2021")
    }
    assert Item.objects.get(pk=notice.pk).ref_code == notice.ref_code  # nothing yet
    done = client.post(
        url, {**parts, "reason": REASON, "confirm": "1", "old_code": notice.ref_code}
    )
    assert done.status_code == 302
    assert Item.objects.get(pk=notice.pk).year == 2021


def test_a_record_filed_in_a_volume_is_taken_out_before_it_is_renumbered(archivist, notice):
    from lantai.describing import volumes

    volume = volumes.build(archivist, notice.fonds, [notice.pk], "一九年卷")
    with pytest.raises(renumber.RenumberError, match="请先移出本卷"):
        renumber.apply(
            archivist, notice.pk, _new_parts(notice, year="2020"), REASON, notice.ref_code
        )
    assert Item.objects.get(pk=notice.pk).volume == volume
