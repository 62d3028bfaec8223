"""The 归档文件目录 is printed from the data: the listed records, DA/T 22 columns, safe cells."""

from __future__ import annotations

import io

import openpyxl
import pytest

from lantai.describing.forms import FILING_COLUMNS, filing_date
from tests.factories import make_item, verified_login


def _sheet(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book["归档文件目录"]


def test_the_catalogue_lists_the_filtered_records_in_list_order_with_da_t_22_columns(
    client, archivist, fonds
):
    number = "兰办〔2001〕3号"
    make_item(fonds, title="二〇〇一年会议通知", year=2001, date="2001-03-05", doc_number=number)
    make_item(fonds, title="一九九五年规划", year=1995)
    make_item(fonds, title="二〇〇一年预算", year=2001, creator="区财政局", pages=12)
    verified_login(client, archivist)
    response = client.get("/staff/items/J001/catalogue.xlsx", {"year": "2001"})
    assert response.status_code == 200
    assert (
        "归档文件目录" in response["Content-Disposition"]
        or "filename*" in response["Content-Disposition"]
    )
    sheet = _sheet(response)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert fonds.name in rows[0][0]  # the form's title names the fonds
    assert rows[1] == FILING_COLUMNS
    body = rows[2:]
    assert [r[4] for r in body] == ["二〇〇一年会议通知", "二〇〇一年预算"]
    assert body[0][2] == number and body[0][5] == "20010305"
    assert body[1][3] == "区财政局" and body[1][7] == "12"
    assert sheet.print_title_rows == "$2:$2"  # the header repeats on every printed page


def test_a_title_that_looks_like_a_formula_stays_text(client, archivist, fonds):
    make_item(fonds, title='=HYPERLINK("http://evil.example","点我")')
    verified_login(client, archivist)
    sheet = _sheet(client.get("/staff/items/J001/catalogue.xlsx"))
    cell = sheet.cell(row=3, column=5)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_another_fonds_catalogue_is_not_found(client, archivist, other_fonds):
    make_item(other_fonds, title="卫健局文件")
    verified_login(client, archivist)
    assert client.get("/staff/items/J002/catalogue.xlsx").status_code == 404


@pytest.mark.parametrize(
    ("date", "printed"), [("2021-03-05", "20210305"), ("2021-03", "2021-03"), ("", "")]
)
def test_dates_print_as_eight_digits_when_complete(date, printed):
    assert filing_date(date) == printed
