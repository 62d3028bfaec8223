from __future__ import annotations

import pytest

from lantai.search import _counting
from lantai.search.indexer import apply_outbox
from tests.factories import make_item

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_search_returns_hits_for_open_items_only(client, fonds):
    make_item(
        fonds, title="档案馆开放日活动通知", text="本馆举办档案馆开放日。", open_status="open"
    )
    make_item(fonds, title="档案馆内部考核办法", open_status="closed")
    apply_outbox()
    payload = client.get("/api/search", {"q": "档案馆"}).json()
    assert payload["total"] == 1 and payload["total_estimated"] is False
    assert payload["hits"][0]["title"] == "档案馆开放日活动通知"
    assert "<mark>" in payload["hits"][0]["snippet"]


def test_api_openapi_schema_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/search" in schema["paths"]


def test_api_and_search_page_say_when_counts_are_estimates(client, fonds, monkeypatch):
    # Thresholds that make 30 matches "huge": counted in the 1-in-2 sample, scaled up.
    monkeypatch.setattr(_counting, "EXACT_UP_TO", 1)
    monkeypatch.setattr(_counting, "SAMPLE_TARGET", 10**9)
    monkeypatch.setattr(_counting, "MIN_SAMPLED", 1)
    monkeypatch.setattr(_counting, "SAMPLE_GAIN", 0)
    for n in range(30):
        make_item(fonds, title=f"防汛抗旱简报第{n}期", open_status="open")
    apply_outbox()
    payload = client.get("/api/search", {"q": "防汛"}).json()
    assert payload["total_estimated"] is True and payload["total"] % 2 == 0
    page = client.get("/search", {"q": "防汛"}).content.decode()
    assert "约 <strong>" in page
