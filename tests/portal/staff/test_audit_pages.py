"""The auditor reads the audit log in the portal, checks a recorded value and verifies the chain;
nobody else opens these pages, and the pages show no record content."""

from __future__ import annotations

import csv
import io

import pytest

from lantai.audit.models import AuditEvent
from tests.audit.tamper import restore_guards, tamper
from tests.factories import make_item, verified_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edited(fonds):
    """A closed record whose title was changed: the log holds both titles as digests."""
    item = make_item(fonds, title="某某同志任免通知", open_status="closed")
    item.title = "某某同志职务调整通知"
    item.save()
    return item


def _event(action: str, ref_code: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, object_repr=ref_code).latest("seq")


def test_the_auditor_lists_the_log_by_reference_code_without_the_titles(client, auditor, edited):
    verified_login(client, auditor)
    body = client.get("/staff/audit/", {"target": edited.ref_code}).content.decode()
    assert edited.ref_code in body and "修改" in body and "新建" in body
    assert "任免" not in body and "职务调整" not in body


def test_the_list_filters_by_action_and_dates(client, auditor, edited):
    verified_login(client, auditor)
    wanted = {"action": "update", "target": edited.ref_code}
    body = client.get("/staff/audit/", wanted).content.decode()
    assert "共 1 条" in body
    assert (
        "共 0 条"
        in client.get(
            "/staff/audit/", {"since": "2000-01-01", "until": "2000-01-02"}
        ).content.decode()
    )
    assert "日期请写作" in client.get("/staff/audit/", {"since": "昨天"}).content.decode()


def test_the_auditor_checks_a_value_and_the_check_is_itself_logged(client, auditor, edited):
    verified_login(client, auditor)
    event = _event("update", edited.ref_code)
    page = client.get(f"/staff/audit/{event.seq}/").content.decode()
    assert "hmac-sha256:" in page and "任免" not in page
    body = client.post(
        f"/staff/audit/{event.seq}/", {"field": "title", "value": "某某同志任免通知"}
    ).content.decode()
    assert "修改前：<strong>一致</strong>" in body and "修改后：不一致" in body
    checked = AuditEvent.objects.get(action="audit_value_checked")
    assert checked.actor == "user:auditor" and checked.detail == {
        "field": "title",
        "matched": ["old"],
    }


def test_verification_passes_on_an_intact_log_and_names_a_broken_event(client, auditor, edited):
    verified_login(client, auditor)
    assert "校验通过" in client.post("/staff/audit/verify/").content.decode()
    victim = _event("update", edited.ref_code)
    tamper("UPDATE audit_auditevent SET actor = 'user:someone-else' WHERE seq = %s", victim.seq)
    try:
        body = client.post("/staff/audit/verify/").content.decode()
    finally:
        restore_guards()
    assert "校验未通过" in body and f"<td>{victim.seq}</td>" in body
    outcomes = list(
        AuditEvent.objects.filter(action="audit_verified")
        .order_by("seq")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["success", "failure"]


def test_the_filtered_log_exports_as_csv_for_excel(client, auditor, edited):
    verified_login(client, auditor)
    response = client.get("/staff/audit/", {"target": edited.ref_code, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "时间", "操作者", "动作"]
    assert {r[3] for r in rows[1:]} == {"新建", "修改"} and all(
        r[5] == edited.ref_code for r in rows[1:]
    )


@pytest.mark.parametrize("role", ["archivist", "reviewer", "sysadmin", "secadmin", "public"])
def test_no_one_but_the_auditor_opens_the_audit_pages(client, request, role, edited):
    user = request.getfixturevalue(role)
    verified_login(client, user)
    event = _event("update", edited.ref_code)
    for url in ("/staff/audit/", f"/staff/audit/{event.seq}/", "/staff/audit/verify/"):
        assert client.get(url).status_code == 403, (role, url)
    assert client.post("/staff/audit/verify/").status_code == 403
    assert not AuditEvent.objects.filter(action="audit_verified").exists()


def test_the_auditors_header_links_to_the_log_not_the_admin(client, auditor):
    verified_login(client, auditor)
    body = client.get("/").content.decode()
    assert 'href="/staff/audit/"' in body and 'href="/admin/"' not in body
