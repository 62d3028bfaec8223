"""The two-step review chain (初审 → 复审): in a fonds that chooses it, one reviewer's decision is
an opinion until a different reviewer approves it; each step has its person and reason."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from lantai.access.chain import approve, first_review, send_back
from lantai.access.review import ReviewError, decide
from lantai.archive.models import Item
from lantai.audit.context import acting_as
from lantai.audit.models import AuditEvent
from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def chained(fonds):
    fonds.review_steps = 2
    fonds.save()
    return make_item(fonds, title="一九九〇年职工调资审批表", year=1990)


def _first(item, decision="open", reason="已满三十年，一般工作事务", **kwargs):
    with acting_as("user:zhang"):
        return first_review(item, decision, reason, **kwargs)


def test_a_first_review_leaves_the_record_closed_until_the_second(chained):
    _first(chained)
    chained.refresh_from_db()
    assert chained.open_status == "unreviewed"
    assert chained.review_first["decision"] == "open"
    assert chained.review_first["by"] == "user:zhang"
    assert not Item.objects.visible_to(AnonymousUser()).filter(pk=chained.pk).exists()
    event = AuditEvent.objects.filter(action="review_first").get()
    assert event.actor == "user:zhang" and event.detail["reason"] == "已满三十年，一般工作事务"


def test_the_author_of_the_first_review_cannot_approve_it(chained):
    _first(chained)
    with acting_as("user:zhang"), pytest.raises(ReviewError, match="复审须由另一位审核员"):
        approve(chained, "同意")
    chained.refresh_from_db()
    assert chained.open_status == "unreviewed" and chained.review_first


def test_a_second_reviewer_approves_and_the_event_names_both_steps(chained):
    _first(chained)
    with acting_as("user:li"):
        approve(chained, "核对无个人信息，同意开放")
    chained.refresh_from_db()
    assert chained.open_status == "open"
    assert chained.open_reason == "已满三十年，一般工作事务"
    assert chained.review_first == {}
    assert Item.objects.visible_to(AnonymousUser()).filter(pk=chained.pk).exists()
    event = AuditEvent.objects.filter(action="review_decision").get()
    assert event.actor == "user:li"
    assert event.detail["steps"]["first"]["by"] == "user:zhang"
    assert event.detail["steps"]["second"] == {
        "by": "user:li",
        "reason": "核对无个人信息，同意开放",
    }


def test_the_second_review_needs_a_reason_of_its_own(chained):
    _first(chained)
    with acting_as("user:li"), pytest.raises(ReviewError, match="理由"):
        approve(chained, "  ")


def test_sent_back_the_opinion_is_dropped_and_the_record_waits_for_a_new_first_review(chained):
    _first(chained)
    with acting_as("user:li"):
        send_back(chained, "涉及第三人工资信息，应控制使用")
    chained.refresh_from_db()
    assert chained.open_status == "unreviewed" and chained.review_first == {}
    event = AuditEvent.objects.filter(action="review_returned").get()
    assert event.detail["first_by"] == "user:zhang" and "第三人" in event.detail["reason"]
    _first(chained, "controlled", "涉及第三人工资信息")  # a new 初审 is possible again
    chained.refresh_from_db()
    assert chained.review_first["decision"] == "controlled"


def test_a_pending_opinion_is_not_overwritten_by_another_first_review(chained):
    _first(chained)
    with acting_as("user:wang"), pytest.raises(ReviewError, match="正等待复审"):
        first_review(chained, "closed", "另有意见")
    chained.refresh_from_db()
    assert chained.review_first["by"] == "user:zhang"


def test_an_opinion_changed_since_the_approver_looked_is_not_approved(chained):
    _first(chained)
    seen = Item.objects.get(pk=chained.pk).review_first["at"]
    with acting_as("user:li"):
        send_back(chained, "重新审核")
    _first(chained, "open", "重新初审")
    with acting_as("user:li"), pytest.raises(ReviewError, match="已有变化"):
        approve(chained, "同意", seen=seen)
    assert Item.objects.get(pk=chained.pk).open_status == "unreviewed"


def test_a_re_review_date_that_has_passed_since_the_first_review_is_refused(chained, monkeypatch):
    today = timezone.localdate()
    _first(chained, "closed", "暂缓开放", review_again=today)
    monkeypatch.setattr(timezone, "localdate", lambda: today + datetime.timedelta(days=2))
    with acting_as("user:li"), pytest.raises(ReviewError, match="已过"):
        approve(chained, "同意")


def test_a_two_step_fonds_refuses_a_one_step_decision(chained):
    with acting_as("user:zhang"), pytest.raises(ReviewError, match="两级审核"):
        decide(chained, "open", "已满三十年")
    assert Item.objects.get(pk=chained.pk).open_status == "unreviewed"


def test_a_one_step_fonds_decides_at_once_and_has_no_first_review(fonds):
    item = make_item(fonds, year=1990)
    with acting_as("user:zhang"):
        with pytest.raises(ReviewError, match="一级审核"):
            first_review(item, "open", "已满三十年")
        decide(item, "open", "已满三十年")
    assert Item.objects.get(pk=item.pk).open_status == "open"


def test_a_fonds_goes_back_to_one_step_only_when_no_opinion_waits(chained):
    fonds = chained.fonds
    _first(chained)
    assert "等待复审" in fonds.review_steps_refusal(1)
    with acting_as("user:li"):
        approve(chained, "同意")
    assert fonds.review_steps_refusal(1) == ""
    assert fonds.review_steps_refusal(3) != ""
