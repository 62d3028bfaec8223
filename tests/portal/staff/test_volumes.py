"""Volumes (案卷): 组卷 with a 案卷档号, records in order beside their own 档号, 拆卷, the printed
卷内文件目录 and 备考表, one class per volume, one fonds per archivist."""

from __future__ import annotations

import io

import openpyxl
import pytest

from lantai.archive.models import Item, Volume
from lantai.audit.models import AuditEvent
from lantai.describing import volumes
from tests.factories import make_item, make_user, verified_login


@pytest.fixture
def records(fonds):
    return [
        make_item(fonds, title=f"第{n}号会议纪要", year=1990, date=f"1990-0{n}-01", pages=n)
        for n in range(1, 5)
    ]


def _sheet(response) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[c.value or "" for c in row] for row in book.active.iter_rows()]


def test_a_volume_gets_a_da_t_13_number_and_keeps_each_records_own_number(archivist, records):
    volume = volumes.build(archivist, records[0].fonds, [r.pk for r in records], "1990年会议纪要")
    assert volume.ref_code == "J001-WS·1990·Y·BGS-001"
    second = make_item(records[0].fonds, title="另一卷的文件", year=1990)
    assert volumes.build(archivist, second.fonds, [second.pk], "另一卷").ref_code.endswith("-002")
    stored = Item.objects.filter(volume=volume).order_by("volume_position")
    assert [i.ref_code for i in stored] == [r.ref_code for r in records]  # unchanged
    assert [i.volume_position for i in stored] == [1, 2, 3, 4]


def test_the_volumes_figures_come_from_its_records(archivist, records):
    volume = volumes.build(archivist, records[0].fonds, [r.pk for r in records], "纪要")
    volume.refresh_from_db()
    assert (volume.date_from, volume.date_to, volume.pages) == ("1990-01-01", "1990-04-01", 10)
    volumes.remove(archivist, volume, [records[3].pk])
    volume.refresh_from_db()
    assert (volume.date_to, volume.pages) == ("1990-03-01", 6)


def test_records_of_different_classes_are_not_put_in_one_volume(archivist, fonds, records):
    other_year = make_item(fonds, title="1991年的文件", year=1991)
    with pytest.raises(volumes.VolumeError, match="不属于同一类别"):
        volumes.build(archivist, fonds, [records[0].pk, other_year.pk], "混合")
    assert not Volume.objects.exists()
    assert Item.objects.get(pk=records[0].pk).volume is None


def test_a_record_already_in_a_volume_must_be_taken_out_first(archivist, fonds, records):
    volumes.build(archivist, fonds, [records[0].pk], "甲卷")
    with pytest.raises(volumes.VolumeError, match="已在其他案卷中"):
        volumes.build(archivist, fonds, [records[0].pk, records[1].pk], "乙卷")
    assert Volume.objects.count() == 1


def test_building_is_audited_with_the_volume_and_its_records(archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [r.pk for r in records[:2]], "纪要")
    event = AuditEvent.objects.get(action="volume_built")
    assert event.detail == {
        "volume": volume.ref_code,
        "items": [records[0].ref_code, records[1].ref_code],
    }


def test_records_are_added_by_their_number_and_reordered(archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [records[0].pk], "纪要")
    volumes.add(archivist, volume, [records[2].ref_code, records[1].ref_code])
    assert [i.pk for i in volumes.contents(volume)] == [
        r.pk for r in (records[0], records[2], records[1])
    ]
    volumes.move(archivist, volume, records[1].pk, -1)
    assert [i.pk for i in volumes.contents(volume)] == [r.pk for r in records[:3]]
    with pytest.raises(volumes.VolumeError, match="本全宗没有档号"):
        volumes.add(archivist, volume, ["J001-WS·1990-Y-BGS-9999"])


def test_dissolving_frees_the_records_and_never_reuses_the_number(archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [records[0].pk], "纪要")
    with pytest.raises(volumes.VolumeError, match="理由"):
        volumes.dissolve(archivist, volume, " ")
    volumes.dissolve(archivist, volume, "组卷有误")
    assert Item.objects.get(pk=records[0].pk).volume is None
    assert volumes.build(archivist, fonds, [records[0].pk], "重组").ref_code.endswith("-002")


def test_the_contents_list_numbers_the_pages_and_the_note_sheet_counts_them(
    client, archivist, fonds, records
):
    volume = volumes.build(archivist, fonds, [r.pk for r in records], "1990年会议纪要")
    verified_login(client, archivist)
    rows = _sheet(client.get(f"/staff/items/J001/volumes/{volume.pk}/contents.xlsx"))
    assert "1990年会议纪要" in rows[0][0]
    assert rows[1] == ["序号", "档号", "文号", "责任者", "题名", "日期", "页号", "备注"]
    assert [r[6] for r in rows[2:]] == ["1", "2", "4", "7-10"]  # pages 1, 2, 3 and 4
    assert rows[2][5] == "19900101"
    note = _sheet(client.get(f"/staff/items/J001/volumes/{volume.pk}/note.xlsx"))
    assert ["本卷情况", "本卷共有文件材料 4 件，10 页"] in note


def test_page_numbers_stop_where_a_page_count_is_unknown(fonds):
    items = [Item(pages=2), Item(pages=None), Item(pages=3)]
    from lantai.describing.forms import page_numbers

    assert page_numbers(items) == ["1", "", ""]


def test_the_page_builds_a_volume_from_the_list_after_showing_the_plan(
    client, archivist, fonds, records
):
    verified_login(client, archivist)
    ids = [r.pk for r in records]
    plan = client.post("/staff/items/J001/volumes/new/", {"items": ids})
    assert plan.status_code == 200 and plan.context["klass"] == "WS·1990·Y·BGS"
    assert not Volume.objects.exists()
    untitled = client.post("/staff/items/J001/volumes/new/", {"items": ids, "confirm": "1"})
    assert "案卷题名" in untitled.context["error"] and not Volume.objects.exists()
    done = client.post(
        "/staff/items/J001/volumes/new/", {"items": ids, "confirm": "1", "title": "纪要"}
    )
    volume = Volume.objects.get()
    assert done["Location"] == f"/staff/items/J001/volumes/{volume.pk}/"
    page = client.get(done["Location"]).content.decode()
    assert all(r.ref_code in page for r in records)


def test_an_archivist_of_another_fonds_sees_and_changes_none_of_its_volumes(
    client, archivist, fonds, other_fonds, records
):
    volume = volumes.build(archivist, fonds, [records[0].pk], "纪要")
    stranger = make_user("archivist_b", "archivist", fonds=[other_fonds])
    verified_login(client, stranger)
    for url in (
        "/staff/items/J001/volumes/",
        f"/staff/items/J001/volumes/{volume.pk}/",
        f"/staff/items/J001/volumes/{volume.pk}/contents.xlsx",
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/staff/items/J002/volumes/{volume.pk}/dissolve/", {"reason": "x"}).status_code
        == 404
    )
    with pytest.raises(volumes.VolumeError):
        volumes.add(stranger, volume, [records[1].ref_code])
    with pytest.raises(volumes.VolumeError):
        volumes.build(stranger, fonds, [records[1].pk], "偷偷组卷")
    assert Volume.objects.count() == 1 and Item.objects.filter(volume=volume).count() == 1


def test_a_reviewer_does_not_arrange_volumes(client, reviewer, archivist, fonds, records):
    volume = volumes.build(archivist, fonds, [records[0].pk], "纪要")
    verified_login(client, reviewer)
    assert client.get(f"/staff/items/J001/volumes/{volume.pk}/").status_code == 403
    assert (
        client.post(
            f"/staff/items/J001/volumes/{volume.pk}/remove/", {"items": [records[0].pk]}
        ).status_code
        == 403
    )
