"""存量档案著录: a paper record typed in gets its 档号 as a transferred one does, or nothing."""

from __future__ import annotations

import pytest

from lantai.archive.models import Item, RefCodeCounter
from lantai.audit.models import AuditEvent
from tests.factories import make_item, make_user, verified_login

URL = "/staff/items/J001/register/"
PAPER = {
    "category": "WS",
    "year": "1985",
    "retention": "Y",
    "org_code": "bgs",
    "title": "关于成立兰台区防汛指挥部的通知",
    "creator": "兰台区人民政府办公室",
    "date": "1985年6月3日",
    "doc_number": "兰政发〔1985〕12号",
    "pages": "2",
    "carrier": "paper",
    "topics": "防汛、机构",
    "persons": "",
    "description": "",
}


def test_a_paper_record_is_registered_with_the_next_number_of_its_group(client, archivist, fonds):
    make_item(fonds, title="已有的一件", year=1985)  # holds 件号 1 of J001-WS·1985-Y-BGS
    verified_login(client, archivist)
    response = client.post(URL, PAPER)
    assert response.status_code == 302
    item = Item.objects.get(title=PAPER["title"])
    assert item.ref_code == "J001-WS·1985-Y-BGS-0002"
    assert (item.carrier, item.open_status, item.date, item.org_code) == (
        "paper",
        "unreviewed",
        "1985-06-03",
        "BGS",
    )
    assert item.topics == ["防汛", "机构"] and item.batch is None
    assert response["Location"] == f"/staff/items/J001/item/{item.pk}/"


def test_registering_is_audited_as_the_creation_of_the_record(client, archivist, fonds):
    verified_login(client, archivist)
    before = AuditEvent.objects.count()
    client.post(URL, PAPER)
    created = [e for e in AuditEvent.objects.order_by("seq")[before:] if e.action == "create"]
    assert any(e.object_repr.startswith("J001-WS·1985-Y-BGS-0001") for e in created)


def test_register_and_continue_keeps_the_docket_parts_for_the_next_record(client, archivist, fonds):
    verified_login(client, archivist)
    response = client.post(URL, {**PAPER, "again": "1"})
    follow = client.get(response["Location"])
    form = follow.context["form"]
    assert form.initial["year"] == "1985" and form.initial["org_code"] == "bgs"
    client.post(URL, {**PAPER, "title": "第二件"})
    assert Item.objects.get(title="第二件").ref_code == "J001-WS·1985-Y-BGS-0002"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year", "八五", "四位数字"),
        ("year", "2999", "不合理"),
        ("date", "1986-01-01", "与年度 1985 不一致"),
        ("date", "1985-02-30", "无效"),
        ("org_code", "", "机构（问题）代码"),
        ("org_code", "B-G", "不合规"),
        ("category", "XX", "选择|Select"),
        ("title", "通知\x1b", "U\\+001B"),
    ],
)
def test_a_refused_registration_leaves_no_record_and_uses_no_number(
    client, archivist, fonds, field, value, message
):
    import re

    verified_login(client, archivist)
    response = client.post(URL, {**PAPER, field: value})
    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join([*form.errors.get(field, []), *form.non_field_errors()])
    assert re.search(message, errors), errors
    assert not Item.objects.exists()
    assert not RefCodeCounter.objects.exists()


def test_an_archivist_of_another_fonds_cannot_register_into_it(client, other_fonds):
    stranger = make_user("archivist_b", "archivist", fonds=[other_fonds])
    verified_login(client, stranger)
    assert client.get(URL).status_code == 404
    assert client.post(URL, PAPER).status_code == 404
    assert not Item.objects.exists()


def test_a_reviewer_cannot_register_records(client, reviewer):
    verified_login(client, reviewer)
    assert client.get(URL).status_code == 403
