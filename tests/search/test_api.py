from __future__ import annotations

import pytest

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
    assert payload["total"] == 1
    assert payload["hits"][0]["title"] == "档案馆开放日活动通知"
    assert "<mark>" in payload["hits"][0]["snippet"]


def test_api_openapi_schema_is_served(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/search" in schema["paths"]
