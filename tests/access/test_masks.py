"""Masks (遮蔽词语): every public field, accumulated across decisions, lifted only by a decision;
the description is reviewed like the body; decisions cannot be backdated; the decision form
refuses malformed ids and foreign ``next`` targets."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from lantai.access.publication import public_rendition
from lantai.access.queue import flags_for
from lantai.access.review import ReviewError, add_masks, decide, remove_masks
from lantai.archive.models import Component, Item
from lantai.audit.models import AuditEvent
from lantai.search.indexer import to_document
from tests.factories import make_item, verified_login

pytestmark = pytest.mark.django_db

NAME = "张明华"


@pytest.fixture
def record(fonds):
    item = make_item(
        fonds,
        title=f"关于{NAME}同志任职的通知",
        creator=f"{NAME}办公室",
        doc_number=f"兰办〔1990〕{NAME}号",
        topics=["任免", NAME],
        description=f"本件记载{NAME}任职事项。",
        text=f"经研究，{NAME}同志任办公室副主任。李四同志另有任用。",
        year=1990,
    )
    Component.objects.create(
        item=item,
        role="master",
        original_name=f"扫描/{NAME}任职通知.pdf",
        stored_path="aip/x.pdf",
        size=1,
        sha256="0" * 64,
    )
    return item


def test_a_mask_covers_every_public_field(record):
    shown = public_rendition(add_masks(record, [NAME], "涉及个人信息"))
    fields = [shown.title, shown.creator, shown.doc_number, shown.description, shown.body]
    fields += [shown.topics[1], shown.file_name(record.components.get())]
    assert shown.topics[0] == "任免"
    assert all(NAME not in value and "［已遮蔽］" in value for value in fields), fields
    assert shown.file_name(record.components.get()) == "［已遮蔽］任职通知.pdf"


def test_without_masks_the_public_rendition_is_the_record(record):
    shown = public_rendition(record)
    assert (shown.title, shown.body, shown.masked) == (record.title, record.text, False)


def test_a_second_decision_adds_to_the_masks_in_force(record):
    record = add_masks(record, [NAME], "涉及个人信息")
    record = add_masks(record, ["李四"], "涉及个人信息")
    body = public_rendition(record).body
    assert NAME not in body and "李四" not in body
    assert [m["term"] for m in record.active_masks] == [NAME, "李四"]


def test_a_mask_already_in_force_is_not_added_again(record):
    record = add_masks(record, [NAME], "涉及个人信息")
    record = add_masks(record, ["張明華"], "繁体写法")
    assert len(record.masks) == 1
    assert AuditEvent.objects.filter(action="redaction").count() == 1


def test_removing_a_mask_is_an_audited_decision_kept_in_the_history(record):
    record = add_masks(record, [NAME, "李四"], "涉及个人信息")
    first = record.masks[0]["id"]
    record = remove_masks(record, [first], "经复核，任职信息可公开")
    assert NAME in public_rendition(record).title
    assert "李四" not in public_rendition(record).body
    lifted = record.masks[0]
    assert lifted["removed_reason"] == "经复核，任职信息可公开" and lifted["removed_at"]
    event = AuditEvent.objects.get(action="redaction_removed")
    assert event.detail == {"masks": [first], "reason": "经复核，任职信息可公开"}
    assert NAME not in str(event.detail)


def test_removing_a_mask_needs_a_reason_and_an_existing_mask(record):
    record = add_masks(record, [NAME], "涉及个人信息")
    with pytest.raises(ReviewError, match="理由"):
        remove_masks(record, [1], " ")
    with pytest.raises(ReviewError, match="没有生效中的遮蔽 7"):
        remove_masks(record, [7], "理由")


def test_masking_a_word_found_in_no_field_is_refused(record):
    with pytest.raises(ReviewError, match="都不存在：王五"):
        add_masks(record, ["王五"], "理由")


def test_a_word_only_in_the_title_can_be_masked(fonds):
    item = make_item(fonds, title="王五来信", text="来信内容。")
    assert "王五" not in public_rendition(add_masks(item, ["王五"], "涉及个人信息")).title


def test_the_audit_event_of_a_mask_names_fields_not_words(record):
    add_masks(record, [NAME], "涉及个人信息")
    detail = AuditEvent.objects.get(action="redaction").detail
    assert detail["fields"] == sorted(
        ["creator", "description", "doc_number", "files", "text", "title", "topics"]
    )
    assert NAME not in str(detail)


# --- the description is reviewed like the body ---


def test_the_review_page_shows_the_description(client, reviewer, record):
    verified_login(client, reviewer)
    page = client.get(f"/staff/review/item/{record.pk}/").content.decode()
    assert record.description in page


def test_the_automatic_flags_scan_the_description(fonds):
    item = make_item(fonds, title="来信登记", description="来信人电话13800138000。", year=1990)
    assert [(f.kind, f.field) for f in flags_for(item)] == [("phone", "description")]


def test_a_record_without_text_indexes_its_masked_description_only(fonds):
    item = make_item(fonds, title="来信登记", description=f"来信人{NAME}。", text="", year=1990)
    item = add_masks(item, [NAME], "涉及个人信息")
    document = to_document(item)
    assert NAME not in document.body and "［已遮蔽］" in document.body


def test_the_index_holds_only_masked_fields(record):
    document = to_document(add_masks(record, [NAME], "涉及个人信息"))
    assert NAME not in document.title + document.body + "".join(document.topics)


def test_a_masked_description_is_shown_masked_on_the_public_page(client, record):
    record = add_masks(record, [NAME], "涉及个人信息")
    decide(record, "open", "已满二十五年")
    page = client.get(f"/item/{quote(record.ref_code)}").content.decode()
    assert "本件记载［已遮蔽］任职事项" in page and NAME not in page


# --- no backdating ---


def test_a_decision_takes_the_servers_time_whatever_the_form_says(client, reviewer, record):
    verified_login(client, reviewer)
    before = timezone.now()
    client.post(
        "/staff/review/decide/",
        {
            "items": [record.pk],
            "decision": "open",
            "reason": "已满二十五年",
            "open_decided_at": "2001-01-01T00:00",
            "decided_at": "2001-01-01",
        },
    )
    record.refresh_from_db()
    assert record.open_status == "open" and record.open_decided_at >= before


def test_a_review_again_date_in_the_past_is_refused(client, reviewer, record):
    verified_login(client, reviewer)
    response = client.post(
        "/staff/review/decide/",
        {"items": [record.pk], "decision": "open", "reason": "x", "review_again": "2001-01-01"},
    )
    record.refresh_from_db()
    assert record.open_status == "unreviewed"
    assert any("早于今天" in str(m) for m in get_messages(response.wsgi_request))
    with pytest.raises(ReviewError, match="不能倒签"):
        decide(record, "open", "x", datetime.date(2001, 1, 1))


def test_a_review_again_date_from_today_on_is_accepted(record):
    item = decide(record, "closed", "涉及个人信息", timezone.localdate())
    assert item.review_again == timezone.localdate()


# --- the decision form's inputs ---


@pytest.mark.parametrize("bad", ["²", "٣", "12345678901234567890", "-1", "1.0", " "])
def test_malformed_item_ids_are_refused_with_a_chinese_message(client, reviewer, record, bad):
    verified_login(client, reviewer)
    response = client.post(
        "/staff/review/decide/",
        {"items": [str(record.pk), bad], "decision": "open", "reason": "已满二十五年"},
    )
    assert response.status_code == 302
    assert any("编号无效" in str(m) for m in get_messages(response.wsgi_request))
    assert Item.objects.get(pk=record.pk).open_status == "unreviewed"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "///evil.example"],
)
def test_next_never_leaves_the_site(client, reviewer, record, target):
    verified_login(client, reviewer)
    response = client.post(
        "/staff/review/decide/",
        {"items": [record.pk], "decision": "open", "reason": "已满二十五年", "next": target},
    )
    assert response["Location"] == "/staff/review/"


def test_next_on_the_site_is_followed(client, reviewer, record):
    verified_login(client, reviewer)
    target = f"/staff/review/item/{record.pk}/"
    response = client.post(
        "/staff/review/decide/",
        {"items": [record.pk], "decision": "open", "reason": "已满二十五年", "next": target},
    )
    assert response["Location"] == target


def test_masks_from_the_form_accumulate(client, reviewer, record):
    verified_login(client, reviewer)
    for word in (NAME, "李四"):
        client.post(
            "/staff/review/decide/",
            {"items": [record.pk], "decision": "open", "reason": "遮蔽姓名", "mask": word},
        )
    body = public_rendition(Item.objects.get(pk=record.pk)).body
    assert NAME not in body and "李四" not in body


def test_a_reviewer_lifts_a_mask_from_the_review_page(client, reviewer, record):
    record = add_masks(record, [NAME], "涉及个人信息")
    verified_login(client, reviewer)
    page = client.get(f"/staff/review/item/{record.pk}/").content.decode()
    assert "取消所选遮蔽" in page
    client.post(
        f"/staff/review/item/{record.pk}/unmask/", {"masks": ["1"], "reason": "经复核可公开"}
    )
    assert Item.objects.get(pk=record.pk).active_masks == []


def test_a_reviewer_of_another_fonds_cannot_lift_a_mask(client, other_fonds, record):
    from tests.factories import make_user

    record = add_masks(record, [NAME], "涉及个人信息")
    verified_login(client, make_user("reviewer2", "reviewer", fonds=[other_fonds]))
    response = client.post(
        f"/staff/review/item/{record.pk}/unmask/", {"masks": ["1"], "reason": "x"}
    )
    assert response.status_code == 404
    assert len(Item.objects.get(pk=record.pk).active_masks) == 1


def test_the_field_change_event_does_not_spell_out_the_masked_words(record):
    add_masks(record, [NAME], "涉及个人信息")
    update = AuditEvent.objects.filter(action="update", object_id=str(record.pk)).first()
    assert NAME not in str(update.detail) and NAME not in update.object_repr
    review_event = AuditEvent.objects.get(action="redaction")
    assert NAME not in review_event.object_repr + str(review_event.detail)


def test_masking_an_opened_record_takes_the_word_out_of_the_public_index(anonymous, fonds):
    from lantai.search.indexer import apply_outbox
    from lantai.search.models import SearchOutbox
    from lantai.search.service import search_for

    item = make_item(fonds, title="任职通知", text=f"{NAME}同志任副主任。", open_status="open")
    apply_outbox()
    assert search_for(anonymous, NAME).total == 1
    add_masks(item, [NAME], "涉及个人信息")
    assert SearchOutbox.objects.filter(item_id=item.pk, hides=True).exists()
    apply_outbox()
    assert search_for(anonymous, NAME).total == 0
    assert "［已遮蔽］同志" in search_for(anonymous, "副主任").hits[0].snippet


def test_the_command_line_lifts_a_mask_as_an_audited_decision(record):
    from django.core.management import CommandError, call_command

    add_masks(record, [NAME], "涉及个人信息")
    call_command("review", "unmask", record.ref_code, "--mask", "1", "--reason", "经复核可公开")
    assert Item.objects.get(pk=record.pk).active_masks == []
    assert AuditEvent.objects.filter(action="redaction_removed").exists()
    with pytest.raises(CommandError, match="没有生效中的遮蔽 1"):
        call_command("review", "unmask", record.ref_code, "--mask", "1", "--reason", "再次")
