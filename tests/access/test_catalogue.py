"""The 开放档案目录 lists exactly the opened records, never a hidden one."""

from __future__ import annotations

import io

from openpyxl import load_workbook


def test_csv_catalogue_lists_open_items_only(client, open_item, closed_item, unreviewed_item):
    response = client.get("/catalogue")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert body.splitlines()[0].startswith("序号,档号,文号,责任者,题名")
    assert open_item.ref_code in body
    assert closed_item.title not in body and closed_item.ref_code not in body
    assert unreviewed_item.ref_code not in body


def test_xlsx_catalogue_has_one_row_per_open_item(client, open_item, closed_item):
    content = client.get("/catalogue", {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][1] == "档号"
    assert [row[1] for row in values[1:]] == [open_item.ref_code]


def test_catalogue_can_be_limited_to_one_fonds(client, open_item, other_fonds):
    from tests.factories import make_item

    elsewhere = make_item(other_fonds, title="其他全宗开放", open_status="open")
    body = b"".join(client.get("/catalogue", {"fonds": "J002"}).streaming_content).decode(
        "utf-8-sig"
    )
    assert elsewhere.ref_code in body and open_item.ref_code not in body
