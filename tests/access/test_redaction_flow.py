"""遮蔽: a masked passage never reaches the public — not in search, snippets, pages or copies."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from lantai.access.publication import public_rendition
from lantai.access.review import ReviewError, decide, redact_terms
from lantai.audit.models import AuditEvent
from lantai.search.indexer import apply_outbox
from lantai.search.service import search_for
from tests.factories import make_item, verified_login

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "张明华"
ID_NUMBER = "110101199003071235"


@pytest.fixture
def redacted(fonds):
    item = make_item(
        fonds,
        title="关于干部任职的通知",
        text=f"经研究决定：{SECRET}同志（公民身份号码{ID_NUMBER}）任办公室副主任。",
        open_status="unreviewed",
    )
    item = redact_terms(item, [SECRET, ID_NUMBER], "涉及个人信息")
    item = decide(item, "open", "已满二十五年，个人信息已遮蔽")
    apply_outbox()
    return item


def test_public_search_for_a_masked_word_finds_nothing(anonymous, redacted):
    assert search_for(anonymous, SECRET).total == 0
    by_number = search_for(anonymous, ID_NUMBER[:8])
    # Only the relaxed any-term fallback may match (via the ref code's digits), never the ID.
    assert by_number.total == 0 or by_number.relaxed
    assert all(ID_NUMBER[:8] not in hit.snippet for hit in by_number.hits)


def test_public_snippet_shows_the_mask_not_the_passage(anonymous, redacted):
    hit = search_for(anonymous, "副主任").hits[0]
    assert SECRET not in hit.snippet and "已遮蔽" in hit.snippet


def test_public_item_page_and_api_never_contain_the_passage(client, redacted):
    page = client.get(f"/item/{quote(redacted.ref_code)}").content.decode()
    assert SECRET not in page and ID_NUMBER not in page
    assert "［已遮蔽］" in page
    api = client.get("/api/search", {"q": "副主任"}).content.decode()
    assert SECRET not in api


def test_staff_of_the_fonds_still_read_the_full_text(client, archivist, redacted):
    verified_login(client, archivist)
    page = client.get(f"/item/{quote(redacted.ref_code)}").content.decode()
    assert SECRET in page


def test_redaction_is_audited_without_its_content(redacted):
    event = AuditEvent.objects.get(action="redaction")
    assert event.detail["passages"] == 2
    assert SECRET not in str(event.detail)


def test_masking_a_word_that_is_not_in_the_text_is_refused(fonds):
    item = make_item(fonds, title="x", text="正文")
    with pytest.raises(ReviewError, match="不存在"):
        redact_terms(item, ["不存在的词"], "理由")


def test_reviewer_masks_terms_from_the_queue_form(client, reviewer, fonds):
    item = make_item(fonds, title="一九九〇年名单", year=1990, text=f"名单：{SECRET}、李四。")
    verified_login(client, reviewer)
    client.post(
        "/staff/review/decide/",
        {
            "items": [item.pk],
            "decision": "open",
            "reason": "含个人姓名，遮蔽后开放",
            "mask": SECRET,
        },
    )
    item.refresh_from_db()
    assert item.open_status == "open"
    assert SECRET not in public_rendition(item).body and SECRET in item.text
