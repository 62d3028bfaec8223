"""The two-step chain on the workbench: a reviewer's decision becomes a 初审 opinion, another
reviewer of the fonds approves it or sends it back on the record's page, the queue shows what
waits for 复审, and the fonds chooses the chain in its settings or with ``lantai fonds set``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from lantai.archive.models import Fonds
from lantai.audit.models import AuditEvent
from tests.factories import make_item, make_user, verified_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chained(fonds):
    fonds.review_steps = 2
    fonds.save()
    return make_item(fonds, title="一九九〇年职工调资审批表", year=1990)


@pytest.fixture
def second(fonds):
    return make_user("reviewer_two", "reviewer", fonds=[fonds])


def _first(client, reviewer, item):
    verified_login(client, reviewer)
    return client.post(
        "/staff/review/decide/",
        {"items": [item.pk], "decision": "open", "reason": "已满三十年，一般工作事务"},
        follow=True,
    )


def test_a_decision_in_a_two_step_fonds_is_submitted_as_a_first_review(client, reviewer, chained):
    page = _first(client, reviewer, chained).content.decode()
    assert "已提交 1 件的初审意见" in page
    chained.refresh_from_db()
    assert chained.open_status == "unreviewed" and chained.review_first["by"] == "user:reviewer"
    own = client.get(f"/staff/review/item/{chained.pk}/").content.decode()
    assert "待复审的初审意见" in own and "这是你本人的初审意见" in own
    assert 'id="second-form"' not in own and 'id="decide-form"' not in own


def test_the_decision_form_says_it_submits_a_first_review(client, reviewer, chained):
    verified_login(client, reviewer)
    page = client.get(f"/staff/review/item/{chained.pk}/").content.decode()
    assert "提交初审意见" in page and "本全宗实行两级审核" in page


def test_another_reviewer_approves_on_the_record_page(client, reviewer, second, chained):
    _first(client, reviewer, chained)
    verified_login(client, second)
    page = client.get(f"/staff/review/item/{chained.pk}/").content.decode()
    assert 'id="second-form"' in page and "已满三十年，一般工作事务" in page
    seen = chained.__class__.objects.get(pk=chained.pk).review_first["at"]
    response = client.post(
        f"/staff/review/item/{chained.pk}/second/",
        {"action": "approve", "reason": "核对无误，同意开放", "seen": seen},
    )
    assert response.status_code == 302
    chained.refresh_from_db()
    assert chained.open_status == "open"
    event = AuditEvent.objects.filter(action="review_decision").get()
    assert event.actor == "user:reviewer_two"
    assert event.detail["steps"]["first"]["by"] == "user:reviewer"


def test_the_author_posting_an_approval_is_refused(client, reviewer, chained):
    _first(client, reviewer, chained)
    page = client.post(
        f"/staff/review/item/{chained.pk}/second/",
        {"action": "approve", "reason": "同意"},
        follow=True,
    ).content.decode()
    assert "复审须由另一位审核员作出" in page
    chained.refresh_from_db()
    assert chained.open_status == "unreviewed"


def test_sending_back_needs_a_reason_and_reopens_the_first_review(
    client, reviewer, second, chained
):
    _first(client, reviewer, chained)
    verified_login(client, second)
    url = f"/staff/review/item/{chained.pk}/second/"
    refused = client.post(url, {"action": "return", "reason": ""}, follow=True)
    assert "必须写明理由" in refused.content.decode()
    client.post(url, {"action": "return", "reason": "涉及第三人工资信息"})
    chained.refresh_from_db()
    assert chained.review_first == {} and chained.open_status == "unreviewed"
    assert AuditEvent.objects.filter(action="review_returned").count() == 1


def test_a_reviewer_of_another_fonds_cannot_reach_the_second_review(
    client, reviewer, other_fonds, chained
):
    _first(client, reviewer, chained)
    outsider = make_user("reviewer_b", "reviewer", fonds=[other_fonds])
    verified_login(client, outsider)
    response = client.post(
        f"/staff/review/item/{chained.pk}/second/", {"action": "approve", "reason": "同意"}
    )
    assert response.status_code == 404
    chained.refresh_from_db()
    assert chained.open_status == "unreviewed" and chained.review_first


def test_the_queue_filters_by_stage_and_marks_what_waits_for_second_review(
    client, reviewer, second, chained, fonds
):
    untouched = make_item(fonds, title="一九九一年会议纪要", year=1991)
    _first(client, reviewer, chained)
    verified_login(client, second)
    waiting = client.get("/staff/review/?stage=second").content.decode()
    assert chained.ref_code in waiting and untouched.ref_code not in waiting
    assert "badge" in waiting
    fresh = client.get("/staff/review/?stage=first").content.decode()
    assert untouched.ref_code in fresh and chained.ref_code not in fresh


def test_the_register_names_both_reviewers(client, reviewer, second, chained):
    _first(client, reviewer, chained)
    verified_login(client, second)
    seen = chained.__class__.objects.get(pk=chained.pk).review_first["at"]
    client.post(
        f"/staff/review/item/{chained.pk}/second/",
        {"action": "approve", "reason": "同意", "seen": seen},
    )
    response = client.get("/staff/review/register.xlsx?fonds=J001")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c.value or "") for row in sheet.iter_rows() for c in row]
    assert "reviewer（初审）、reviewer_two（复审）" in cells


def test_the_archivist_chooses_the_chain_in_the_fonds_settings(client, archivist, fonds):
    verified_login(client, archivist)
    client.post(
        "/staff/items/J001/about/",
        {"name": fonds.name, "review_steps": "2", "is_public": "on"},
    )
    assert Fonds.objects.get(pk=fonds.pk).review_steps == 2


def test_going_back_to_one_step_waits_for_pending_opinions(
    client, reviewer, archivist, chained, fonds
):
    _first(client, reviewer, chained)
    verified_login(client, archivist)
    page = client.post(
        "/staff/items/J001/about/",
        {"name": fonds.name, "review_steps": "1", "is_public": "on"},
        follow=True,
    ).content.decode()
    assert "1 件初审意见等待复审" in page
    assert Fonds.objects.get(pk=fonds.pk).review_steps == 2
    with pytest.raises(CommandError, match="等待复审"):
        call_command("fonds", "set", "J001", "--review-steps", "1")


def test_the_command_sets_the_review_process_as_one_audited_event(fonds):
    out = io.StringIO()
    call_command("fonds", "set", "J001", "--review-steps", "2", stdout=out)
    assert "两级审核" in out.getvalue()
    assert Fonds.objects.get(pk=fonds.pk).review_steps == 2
    event = AuditEvent.objects.filter(action="fonds_review_steps").get()
    assert event.detail == {"from": 1, "to": 2}
    with pytest.raises(CommandError, match="请指定"):
        call_command("fonds", "set", "J001")
