"""The Django admin: system settings for the administrators, the archival model for the
development superuser only; no business role reads a record there."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_item, verified_login


@pytest.fixture
def operator(db):
    """The development superuser (production has none: createsuperuser is refused)."""
    return get_user_model().objects.create_user(
        "operator", password="pw-Lantai-2026", is_staff=True, is_superuser=True
    )


def test_admin_is_in_chinese_by_default(client, operator):
    verified_login(client, operator)
    body = client.get("/admin/").content.decode()
    assert "档案（件）" in body
    assert "全宗" in body


def test_admin_switches_to_english_on_request(client, sysadmin):
    verified_login(client, sysadmin)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log out" in body


def test_the_superusers_item_list_is_searchable_by_refcode(client, operator, fonds):
    wanted = make_item(fonds, title="要找的文件")
    make_item(fonds, title="别的文件")
    verified_login(client, operator)
    body = client.get("/admin/archive/item/", {"q": wanted.ref_code}).content.decode()
    assert "要找的文件" in body
    assert "别的文件" not in body


def test_open_status_is_read_only_even_for_the_superuser(client, operator, unreviewed_item):
    verified_login(client, operator)
    body = client.get(f"/admin/archive/item/{unreviewed_item.pk}/change/").content.decode()
    assert unreviewed_item.title in body and 'name="open_status"' not in body


@pytest.mark.parametrize("role", ["archivist", "reviewer", "sysadmin", "secadmin", "auditor"])
def test_no_role_reads_a_record_in_the_admin(client, request, role, unreviewed_item):
    verified_login(client, request.getfixturevalue(role))
    for url in ("/admin/archive/item/", f"/admin/archive/item/{unreviewed_item.pk}/change/"):
        response = client.get(url)
        assert response.status_code in (302, 403), (role, url)
        assert unreviewed_item.title not in response.content.decode()
    assert "档案（件）" not in client.get("/admin/").content.decode()


def test_auditor_can_read_but_not_edit_the_audit_log(client, auditor):
    verified_login(client, auditor)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/archive/item/").status_code == 403
