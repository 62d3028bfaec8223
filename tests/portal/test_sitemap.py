from __future__ import annotations

from urllib.parse import quote


def test_sitemap_lists_open_items_and_never_hidden_ones(
    client, open_item, closed_item, unreviewed_item
):
    body = client.get("/sitemap.xml").content.decode()
    assert quote(open_item.ref_code) in body or open_item.ref_code in body
    for hidden in (closed_item, unreviewed_item):
        assert hidden.ref_code not in body and quote(hidden.ref_code) not in body
