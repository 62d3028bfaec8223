"""The staff back office: Chinese by default, 档号 searchable, scoped by the access policy."""

from __future__ import annotations

from tests.factories import make_item


def test_admin_is_in_chinese_by_default(client, archivist):
    client.force_login(archivist)
    body = client.get("/admin/").content.decode()
    assert "档案（件）" in body
    assert "全宗" in body


def test_admin_switches_to_english_on_request(client, archivist):
    client.force_login(archivist)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log out" in body


def test_item_list_is_searchable_by_refcode(client, archivist, fonds):
    wanted = make_item(fonds, title="要找的文件")
    make_item(fonds, title="别的文件")
    client.force_login(archivist)
    body = client.get("/admin/archive/item/", {"q": wanted.ref_code}).content.decode()
    assert "要找的文件" in body
    assert "别的文件" not in body


def test_archivist_admin_list_excludes_closed_items_of_other_fonds(client, archivist, other_fonds):
    hidden = make_item(other_fonds, title="其他全宗的延期档案", open_status="closed")
    client.force_login(archivist)
    body = client.get("/admin/archive/item/").content.decode()
    assert hidden.title not in body


def test_archivist_cannot_change_open_status(client, archivist, unreviewed_item):
    client.force_login(archivist)
    url = f"/admin/archive/item/{unreviewed_item.pk}/change/"
    body = client.get(url).content.decode()
    assert 'name="open_status"' not in body


def test_reviewer_can_decide_open_status_but_not_edit_the_title(client, reviewer, unreviewed_item):
    client.force_login(reviewer)
    body = client.get(f"/admin/archive/item/{unreviewed_item.pk}/change/").content.decode()
    assert 'name="open_status"' in body
    assert 'name="title"' not in body


def test_auditor_can_read_but_not_edit_the_audit_log(client, auditor):
    client.force_login(auditor)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/archive/item/").status_code == 403
