"""The staff back office: Chinese by default, 档号 searchable, scoped by the access policy."""

from __future__ import annotations

from tests.factories import make_item, verified_login


def test_admin_is_in_chinese_by_default(client, archivist):
    verified_login(client, archivist)
    body = client.get("/admin/").content.decode()
    assert "档案（件）" in body
    assert "全宗" in body


def test_admin_switches_to_english_on_request(client, archivist):
    verified_login(client, archivist)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log out" in body


def test_item_list_is_searchable_by_refcode(client, archivist, fonds):
    wanted = make_item(fonds, title="要找的文件")
    make_item(fonds, title="别的文件")
    verified_login(client, archivist)
    body = client.get("/admin/archive/item/", {"q": wanted.ref_code}).content.decode()
    assert "要找的文件" in body
    assert "别的文件" not in body


def test_archivist_admin_list_excludes_closed_items_of_other_fonds(client, archivist, other_fonds):
    hidden = make_item(other_fonds, title="其他全宗的延期档案", open_status="closed")
    verified_login(client, archivist)
    body = client.get("/admin/archive/item/").content.decode()
    assert hidden.title not in body


def test_archivist_cannot_change_open_status(client, archivist, unreviewed_item):
    verified_login(client, archivist)
    url = f"/admin/archive/item/{unreviewed_item.pk}/change/"
    body = client.get(url).content.decode()
    assert 'name="open_status"' not in body


def test_reviewer_reads_items_in_the_admin_but_decides_only_in_the_review_queue(
    client, reviewer, unreviewed_item
):
    verified_login(client, reviewer)
    body = client.get(f"/admin/archive/item/{unreviewed_item.pk}/change/").content.decode()
    assert unreviewed_item.title in body
    assert 'name="open_status"' not in body
    assert 'name="title"' not in body


def test_auditor_can_read_but_not_edit_the_audit_log(client, auditor):
    verified_login(client, auditor)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/archive/item/").status_code == 403
