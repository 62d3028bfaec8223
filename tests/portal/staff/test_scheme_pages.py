"""The archivist keeps the fonds' 分类方案 and its description in the portal: 类别 added, renamed
and removed when empty, records counted per node, everything inside the own fonds."""

from __future__ import annotations

import pytest

from lantai.archive.models import Fonds, Series
from lantai.audit.models import AuditEvent
from lantai.search.indexer import apply_outbox
from tests.factories import make_item, make_user, verified_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tree(fonds):
    office = Series.objects.create(fonds=fonds, code="BGS", name="办公室")
    meetings = Series.objects.create(fonds=fonds, parent=office, code="01", name="会议")
    make_item(fonds, title="会议纪要一", series=meetings)
    make_item(fonds, title="会议纪要二", series=meetings)
    make_item(fonds, title="办公室通知", series=office)
    make_item(fonds, title="未归类的通知")
    return office, meetings


def test_the_tree_counts_records_of_each_node_and_below(client, archivist, tree):
    verified_login(client, archivist)
    page = client.get("/staff/items/J001/series/").content.decode()
    assert "<td>办公室</td><td>1</td><td>3</td>" in page
    assert "<td>会议</td><td>2</td><td>2</td>" in page
    assert "未归类的档案：1 件" in page


def test_an_archivist_adds_a_node_under_a_parent_and_it_is_audited(client, archivist, tree):
    office, _meetings = tree
    verified_login(client, archivist)
    client.post(
        "/staff/items/J001/series/new/", {"parent": office.pk, "code": "02", "name": "人事"}
    )
    added = Series.objects.get(code="02")
    assert added.parent == office and added.path.startswith(office.path) and added.depth == 1
    assert AuditEvent.objects.filter(action="create", object_type="archive.series").exists()


def test_a_sibling_code_taken_twice_or_a_bad_code_is_refused_with_a_message(
    client, archivist, tree
):
    office, _meetings = tree
    verified_login(client, archivist)
    url = "/staff/items/J001/series/new/"
    body = client.post(url, {"parent": office.pk, "code": "01", "name": "重复"}, follow=True)
    assert "已有类别号「01」" in body.content.decode()
    body = client.post(url, {"parent": "", "code": "办 公", "name": "x"}, follow=True)
    assert "类别号「办 公」无效" in body.content.decode()
    assert Series.objects.count() == 2


def test_a_node_is_renamed_but_only_removed_when_nothing_is_filed_below(client, archivist, tree):
    office, meetings = tree
    verified_login(client, archivist)
    client.post(
        f"/staff/items/J001/series/{meetings.pk}/rename/", {"code": "01", "name": "会议记录"}
    )
    assert Series.objects.get(pk=meetings.pk).name == "会议记录"
    body = client.post(
        f"/staff/items/J001/series/{office.pk}/remove/", follow=True
    ).content.decode()
    assert "还有1 个下级类别、1 件档案" in body and Series.objects.filter(pk=office.pk).exists()
    empty = Series.objects.create(fonds=office.fonds, code="09", name="空类")
    client.post(f"/staff/items/J001/series/{empty.pk}/remove/")
    assert not Series.objects.filter(pk=empty.pk).exists()


def test_another_fonds_tree_and_nodes_are_not_found(client, tree, other_fonds):
    office, _meetings = tree
    stranger = make_user("stranger", "archivist", fonds=[other_fonds])
    verified_login(client, stranger)
    assert client.get("/staff/items/J001/series/").status_code == 404
    # A parent from another fonds is "not found" inside the own fonds.
    body = client.post(
        "/staff/items/J002/series/new/",
        {"parent": office.pk, "code": "X", "name": "偷挂"},
        follow=True,
    ).content.decode()
    assert "没有这个类别" in body and not Series.objects.filter(code="X").exists()
    client.post(f"/staff/items/J002/series/{office.pk}/rename/", {"code": "Z", "name": "改"})
    assert Series.objects.get(pk=office.pk).code == "BGS"


def test_the_scheme_is_the_archivists_work_not_the_reviewers(client, reviewer, tree):
    office, _meetings = tree
    verified_login(client, reviewer)
    assert client.get("/staff/items/J001/series/").status_code == 403
    assert (
        client.post(
            f"/staff/items/J001/series/{office.pk}/rename/", {"code": "Z", "name": "z"}
        ).status_code
        == 403
    )


def test_closing_the_fonds_catalogue_takes_its_records_off_the_public_search(
    client, archivist, fonds
):
    make_item(fonds, title="公开的道路通知", open_status="open")
    apply_outbox()
    assert client.get("/api/search", {"q": "道路通知"}).json()["total"] == 1
    verified_login(client, archivist)
    form = {
        "name": fonds.name,
        "archive_name": "兰台区档案馆",
        "description": "区政府办公室全宗",
        "review_steps": "1",
    }
    client.post("/staff/items/J001/about/", form)  # is_public unticked
    fonds = Fonds.objects.get(pk=fonds.pk)
    assert fonds.is_public is False and fonds.description == "区政府办公室全宗"
    apply_outbox()
    client.logout()
    assert client.get("/api/search", {"q": "道路通知"}).json()["total"] == 0


def test_the_reviewer_reads_the_fonds_description_but_cannot_save_it(client, reviewer, fonds):
    verified_login(client, reviewer)
    page = client.get("/staff/items/J001/about/").content.decode()
    assert "disabled" in page and fonds.refcode_template in page
    assert client.post("/staff/items/J001/about/", {"name": "改名"}).status_code == 403
    assert Fonds.objects.get(pk=fonds.pk).name == fonds.name
