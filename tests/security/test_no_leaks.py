"""Every public surface × every non-public state: a planted marker never reaches the public.

For each of ``unreviewed``, ``closed`` and ``controlled`` (and an open record in a private
fonds or in a voided batch) we plant a unique marker in the title and the text, index it, and
prove that no public surface returns it in a body, a header, a count or a status code that
differs from a record that does not exist at all.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantai.archive.models import TransferBatch
from lantai.search.indexer import apply_outbox
from tests.factories import make_fonds, make_item, verified_login

pytestmark = pytest.mark.django_db(transaction=True)

HIDDEN_STATES = ["unreviewed", "closed", "controlled"]
MARKER = "貔貅麒麟标记"
TEXT_SECRET = "机密正文内容甲乙丙"  # never part of any query below


@pytest.fixture(params=[*HIDDEN_STATES, "open-in-private-fonds", "open-in-voided-batch"])
def hidden(request, fonds):
    state = request.param
    if state == "open-in-voided-batch":
        batch = TransferBatch.objects.create(fonds=fonds, code="J001-VOID", state="voided")
        item = make_item(
            fonds,
            title=f"{MARKER}题名",
            text=f"{MARKER}。{TEXT_SECRET}",
            open_status="open",
            batch=batch,
        )
    elif state == "open-in-private-fonds":
        private = make_fonds("J077", "内部全宗", is_public=False)
        item = make_item(
            private, title=f"{MARKER}题名", text=f"{MARKER}。{TEXT_SECRET}", open_status="open"
        )
    else:
        item = make_item(
            fonds, title=f"{MARKER}题名", text=f"{MARKER}。{TEXT_SECRET}", open_status=state
        )
    make_item(fonds, title="公开的对照文件", text="对照正文", open_status="open")
    apply_outbox()
    return item


def surfaces(item) -> list[str]:
    ref = quote(item.ref_code)
    return [
        "/",
        f"/search?q={quote(MARKER)}",
        f"/search?q={quote(MARKER[:2])}",
        f"/search?q=ref:{ref}",
        f"/search?q={quote(item.ref_code)}",
        f"/item/{ref}",
        f"/api/search?q={quote(MARKER)}",
        f"/api/search?q=ref:{ref}",
        "/api/openapi.json",
        "/catalogue",
        "/sitemap.xml",
        f"/catalogue?fonds={item.fonds.code}",
        "/staff/ingest/",
        f"/admin/archive/item/{item.pk}/change/",
        "/admin/archive/item/",
    ]


def assert_no_leak(response, item, asked: str = "") -> None:
    """No secret of ``item`` in the response, except what the user typed (``asked``) and
    the page merely echoes back."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8", "replace")
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    candidates = (item.title, TEXT_SECRET, item.ref_code, quote(item.ref_code))
    secrets = [s for s in candidates if s not in asked and s not in quote(asked)]
    for secret in secrets:
        assert secret not in body, f"{secret} leaked in the body"
        assert secret not in headers, f"{secret} leaked in the headers"
    assert response.status_code != 500


@pytest.mark.parametrize("persona", ["anonymous", "public"])
def test_public_surfaces_never_show_a_hidden_record(client, hidden, persona, request):
    if persona == "public":
        client.force_login(request.getfixturevalue("public"))
    for url in surfaces(hidden):
        assert_no_leak(client.get(url), hidden, unquote(url))


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_admin_roles_see_no_hidden_record_content(client, hidden, persona, request):
    verified_login(client, request.getfixturevalue(persona))
    for url in surfaces(hidden):
        assert_no_leak(client.get(url), hidden, unquote(url))


def test_hidden_item_page_answers_like_a_missing_one(client, hidden):
    missing = client.get("/item/" + quote("J001-WS·1999-Y-BGS-9999"))
    assert client.get("/item/" + quote(hidden.ref_code)).status_code == missing.status_code


def test_counts_and_facets_do_not_reveal_a_hidden_record(client, hidden):
    payload = client.get("/api/search", {"q": "正文 OR 对照"}).json()
    assert payload["total"] == 1  # only the open control record
    assert sum(payload["facets"]["fonds"].values()) == 1
    assert "J077" not in payload["facets"]["fonds"]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.text(
        alphabet=st.sampled_from(list('貔貅麒麟标记题名正文"-() OR:ref*J001·')), max_size=24
    )
)
def test_fuzzed_queries_never_fail_or_leak(client, hidden, query):
    for url in ("/search", "/api/search"):
        assert_no_leak(client.get(url, {"q": query}), hidden, query)
