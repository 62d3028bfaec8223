"""The reviewer's queue: due items of assigned fonds, explained flags, recorded decisions."""

from __future__ import annotations

import datetime

import pytest

from lantai.access.queue import queue_for
from lantai.audit.models import AuditEvent
from tests.factories import make_item, verified_login

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture
def due(fonds):
    return make_item(
        fonds, title="一九九五年道路计划", year=1995, text="联系人张明华，电话13800138000。"
    )


def test_queue_lists_unreviewed_items_past_the_threshold(reviewer, due, fonds):
    recent = make_item(fonds, title="二〇二〇年通知", year=2020)
    queued = list(queue_for(reviewer, TODAY))
    assert due in queued
    assert recent not in queued


def test_category_rule_holds_back_a_category_longer(reviewer, due, fonds, settings):
    settings.OPEN_RULES = {"WS": 50}
    old = make_item(fonds, title="一九六〇年文件", year=1960)
    queued = list(queue_for(reviewer, TODAY))
    assert old in queued
    assert due not in queued  # 1995 + 50 > 2026


def test_queue_excludes_fonds_the_reviewer_is_not_assigned(reviewer, other_fonds):
    elsewhere = make_item(other_fonds, title="他馆文件", year=1980)
    assert elsewhere not in list(queue_for(reviewer, TODAY))


def test_queue_page_shows_flags_with_their_explanation(client, reviewer, due):
    verified_login(client, reviewer)
    body = client.get("/staff/review/").content.decode()
    assert due.title in body
    assert "手机" in body or "电话" in body


def test_bulk_decision_is_recorded_and_audited(client, reviewer, due, fonds):
    other = make_item(fonds, title="一九九六年表彰决定", year=1996)
    verified_login(client, reviewer)
    client.post(
        "/staff/review/decide/",
        {"items": [due.pk, other.pk], "decision": "open", "reason": "已满二十五年"},
    )
    due.refresh_from_db()
    other.refresh_from_db()
    assert (due.open_status, other.open_status) == ("open", "open")
    assert AuditEvent.objects.filter(action="review_decision").count() == 2


def test_decision_without_reason_is_refused(client, reviewer, due):
    verified_login(client, reviewer)
    client.post("/staff/review/decide/", {"items": [due.pk], "decision": "open", "reason": ""})
    due.refresh_from_db()
    assert due.open_status == "unreviewed"


def test_archivist_without_review_permission_cannot_decide(client, archivist, due):
    verified_login(client, archivist)
    response = client.post(
        "/staff/review/decide/", {"items": [due.pk], "decision": "open", "reason": "x"}
    )
    assert response.status_code == 403
    due.refresh_from_db()
    assert due.open_status == "unreviewed"


def test_reviewer_cannot_decide_items_of_other_fonds(client, reviewer, other_fonds):
    elsewhere = make_item(other_fonds, title="他馆文件", year=1980)
    verified_login(client, reviewer)
    client.post(
        "/staff/review/decide/", {"items": [elsewhere.pk], "decision": "open", "reason": "x"}
    )
    elsewhere.refresh_from_db()
    assert elsewhere.open_status == "unreviewed"


def test_decision_from_the_item_page_confirms_on_that_page(client, reviewer, due):
    verified_login(client, reviewer)
    page = f"/staff/review/item/{due.pk}/"
    response = client.post(
        "/staff/review/decide/",
        {"items": [due.pk], "decision": "open", "reason": "已满二十五年", "next": page},
        follow=True,
    )
    assert "已记录 1 件的审核结论" in response.content.decode()


def test_recent_item_proposed_for_early_review_enters_the_queue(reviewer, fonds):
    from lantai.access.review import propose

    recent = make_item(fonds, title="二〇二一年疫苗接种方案", year=2021)
    assert recent not in list(queue_for(reviewer, TODAY))
    propose(recent, "已主动公开，建议提前开放")
    assert recent in list(queue_for(reviewer, TODAY))
    assert AuditEvent.objects.filter(action="review_proposed").exists()


def test_joint_review_opinion_is_kept_with_the_decision(client, reviewer, due):
    verified_login(client, reviewer)
    client.post(
        "/staff/review/decide/",
        {
            "items": [due.pk],
            "decision": "closed",
            "reason": "移交单位建议暂缓",
            "opinion": "区办公室：暂缓开放",
        },
    )
    due.refresh_from_db()
    assert due.joint_opinion == "区办公室：暂缓开放"
    event = AuditEvent.objects.get(action="review_decision")
    assert event.detail["joint_opinion"] == "区办公室：暂缓开放"


def test_queue_filters_by_series_subtree(reviewer, fonds):
    from lantai.archive.models import Series

    office = Series.objects.create(fonds=fonds, code="BGS", name="办公室")
    team = Series.objects.create(fonds=fonds, parent=office, code="MS", name="秘书科")
    inside = make_item(fonds, title="秘书科旧档", year=1980, series=team)
    outside = make_item(fonds, title="其他旧档", year=1980)
    queued = list(queue_for(reviewer, TODAY, fonds="J001", series="BGS"))
    assert inside in queued and outside not in queued
    assert list(queue_for(reviewer, TODAY, series="NOPE")) == []


def test_staff_pages_need_an_otp_verified_session_when_totp_is_on(client, reviewer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    client.force_login(reviewer)  # a session that never entered a code
    response = client.get("/staff/review/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
