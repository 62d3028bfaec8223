"""The archivist's item list: one assigned fonds, filters that parse or say why, stable sorting."""

from __future__ import annotations

import re

import pytest

from lantai.archive.models import Series, TransferBatch
from tests.factories import make_item, make_user, verified_login


@pytest.fixture
def holdings(fonds):
    office = Series.objects.create(fonds=fonds, code="BGS", name="办公室")
    finance = Series.objects.create(fonds=fonds, code="CWK", name="财务科")
    sub = Series.objects.create(fonds=fonds, parent=office, code="BGS-1", name="文书组")
    batch = TransferBatch.objects.create(fonds=fonds, code="B2026-001", state="accepted")
    return {
        "plan": make_item(fonds, title="道路建设规划", year=1995, series=office, text="规划全文"),
        "notice": make_item(fonds, title="会议通知", year=2001, series=sub, batch=batch),
        "budget": make_item(fonds, title="年度预算报告", year=2001, series=finance),
        "photo": make_item(fonds, title="开工仪式照片", year=1998, open_status="open"),
    }


def _titles(response) -> list[str]:
    return [row["item"].title for row in response.context["rows"]]


def test_the_fonds_page_lists_only_the_fonds_assigned_to_the_archivist(
    client, archivist, fonds, other_fonds
):
    verified_login(client, archivist)
    body = client.get("/staff/items/").content.decode()
    assert fonds.name in body and other_fonds.name not in body


def test_the_list_shows_every_record_of_the_fonds_in_ref_code_order(client, archivist, holdings):
    verified_login(client, archivist)
    response = client.get("/staff/items/J001/")
    assert response.status_code == 200
    codes = [row["item"].ref_code for row in response.context["rows"]]
    assert codes == sorted(codes) and len(codes) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": "2001"}, {"会议通知", "年度预算报告"}),
        ({"series": "BGS"}, {"道路建设规划", "会议通知"}),  # the node and the one below it
        ({"series": "BGS-1"}, {"会议通知"}),
        ({"has_text": "yes"}, {"道路建设规划"}),
        ({"has_text": "no"}, {"会议通知", "年度预算报告", "开工仪式照片"}),
        ({"open_status": "open"}, {"开工仪式照片"}),
        ({"batch": "B2026-001"}, {"会议通知"}),
        ({"title": "预算"}, {"年度预算报告"}),
        ({"year": "2001", "series": "CWK"}, {"年度预算报告"}),
    ],
)
def test_each_filter_narrows_the_list(client, archivist, holdings, query, expected):
    verified_login(client, archivist)
    assert set(_titles(client.get("/staff/items/J001/", query))) == expected


def test_sorting_by_year_descending_keeps_ties_in_ref_code_order(client, archivist, holdings):
    verified_login(client, archivist)
    rows = client.get("/staff/items/J001/", {"sort": "-year"}).context["rows"]
    years = [row["item"].year for row in rows]
    assert years == sorted(years, reverse=True)
    tied = [row["item"].ref_code for row in rows if row["item"].year == 2001]
    assert tied == sorted(tied)


@pytest.mark.parametrize(
    "query",
    [{"year": "一九九五"}, {"sort": "title; DROP TABLE"}, {"category": "XX"}, {"series": "无此类"}],
)
def test_a_filter_that_does_not_parse_is_named_and_the_rest_still_lists(
    client, archivist, holdings, query
):
    verified_login(client, archivist)
    response = client.get("/staff/items/J001/", {**query, "title": "通知"})
    assert response.status_code == 200
    assert response.context["filters"].errors  # said beside its field, in Chinese
    assert _titles(response) == ["会议通知"]  # the filter that parsed still applies


def test_the_list_of_another_fonds_is_not_found_for_its_archivist(client, archivist, other_fonds):
    make_item(other_fonds, title="卫健局内部文件")
    verified_login(client, archivist)
    assert client.get("/staff/items/J002/").status_code == 404
    assert client.get("/staff/items/J404/").status_code == 404  # the same answer as no fonds


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_no_administrator_reads_the_item_list(client, holdings, role):
    admin = make_user(role, role)
    verified_login(client, admin)
    assert client.get("/staff/items/J001/").status_code == 403
    assert client.get("/staff/items/").status_code == 403


def test_a_member_of_the_public_is_refused_and_an_anonymous_visitor_sent_to_sign_in(
    client, public, holdings
):
    assert client.get("/staff/items/J001/").status_code == 302
    client.force_login(public)
    assert client.get("/staff/items/J001/").status_code == 403


def test_paging_links_keep_the_filters(client, archivist, fonds):
    for number in range(55):
        make_item(fonds, title=f"第{number}号通知", year=2003)
    verified_login(client, archivist)
    body = client.get("/staff/items/J001/", {"year": "2003"}).content.decode()
    links = re.findall(r'href="\?([^"]*page=2[^"]*)"', body)
    assert links and all("year=2003" in link for link in links)
