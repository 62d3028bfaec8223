"""The registers archives file on paper — 移交与接收登记表, 四性检测报告, 开放审核登记表 and the
catalogues — print from the data as XLSX and PDF, with their signature lines."""

from __future__ import annotations

import io

import openpyxl
import pypdf
import pytest

from lantai.access.review import decide
from lantai.archive.models import TransferBatch
from lantai.audit.context import acting_as
from lantai.portal.staff import printing
from tests.factories import make_item, make_user, verified_login

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = [
    {
        "code": "1-1",
        "property": "真实性",
        "name": "固化信息有效性检测",
        "passed": True,
        "detail": "通过",
    },
    {
        "code": "2-1",
        "property": "完整性",
        "name": "总件数相符性检测",
        "passed": True,
        "detail": "3 件",
    },
    {"code": "4-1", "property": "安全性", "name": "病毒检测", "passed": None, "detail": "未安装"},
]


@pytest.fixture
def batch(fonds):
    batch = TransferBatch.objects.create(
        fonds=fonds,
        code="J001-20261204-007",
        agency="区卫生健康局",
        state="accepted",
        source_name="/srv/uploads/abc/2020年防疫档案.zip",
        source_kind="zip",
        item_count=2,
        file_count=3,
        byte_count=5 * 1024 * 1024,
        received_by="user:archivist",
        report=REPORT,
    )
    for year in (2019, 2020):
        make_item(fonds, title=f"{year}年防疫通知", year=year, batch=batch)
    return batch


def _rows(response) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[c.value or "" for c in row] for row in book.active.iter_rows()]


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )


def test_the_transfer_register_is_filled_from_the_batch_with_both_units_signature_lines(
    client, archivist, batch
):
    verified_login(client, archivist)
    rows = {
        r[0]: r[1] for r in _rows(client.get(f"/staff/ingest/batch/{batch.code}/register.xlsx"))
    }
    assert rows["交接工作名称"] == "区卫生健康局向兰台区档案馆移交电子档案"
    assert rows["内容描述"].startswith("2019—2020年度") and "文书 2 件" in rows["内容描述"]
    assert rows["移交电子档案数量"] == "2 件" and rows["移交数据量"].startswith("5.00 MB")
    assert rows["提交包"] == "2020年防疫档案.zip"  # the file's name, not the server's path
    assert rows["真实性检测"] == "通过 1 项" and rows["安全性检测"] == "未执行 1 项"
    assert rows["接收人（签名）"] == "archivist" and rows["填表人（签名）"].startswith("＿")


def test_the_transfer_register_prints_as_pdf(client, archivist, batch):
    verified_login(client, archivist)
    text = _pdf_text(client.get(f"/staff/ingest/batch/{batch.code}/register.pdf"))
    for words in (
        "电子档案移交与接收登记表",
        "区卫生健康局",
        "移交单位",
        "接收单位",
        "审核人（签名）",
    ):
        assert words in text, words
    assert "第 1 页，共 1 页" in text


def test_the_check_report_lists_each_check_as_recorded(client, archivist, batch):
    verified_login(client, archivist)
    rows = _rows(client.get(f"/staff/ingest/batch/{batch.code}/report.xlsx"))
    assert batch.code in rows[0][0] and rows[1] == ["编号", "性质", "检测项目", "结论", "说明"]
    assert [r[:4] for r in rows[2:5]] == [
        ["1-1", "真实性", "固化信息有效性检测", "通过"],
        ["2-1", "完整性", "总件数相符性检测", "通过"],
        ["4-1", "安全性", "病毒检测", "未执行"],
    ]
    text = _pdf_text(client.get(f"/staff/ingest/batch/{batch.code}/report.pdf"))
    assert "四性检测报告" in text and "病毒检测" in text and "检测人（签名）" in text


def test_the_review_register_lists_the_periods_decisions_with_their_reviewers(
    client, reviewer, fonds, other_fonds
):
    decided = make_item(fonds, title="一九八〇年会议纪要", year=1980)
    waiting = make_item(fonds, title="一九八一年尚未审核", year=1981)
    elsewhere = make_item(other_fonds, title="他宗一九八〇年纪要", year=1980)
    with acting_as("user:reviewer"):
        decide(decided, "open", "已满三十年，内容一般")
    with acting_as("user:someone"):
        decide(elsewhere, "open", "已满三十年")
    verified_login(client, reviewer)
    rows = _rows(client.get("/staff/review/register.xlsx", {"fonds": "J001"}))
    assert "开放审核登记表" in rows[0][0] and fonds.name in rows[0][0]
    body = [r for r in rows[2:] if r[0].isdigit()]
    assert [(r[1], r[2], r[4], r[5], r[8]) for r in body] == [
        (decided.ref_code, "一九八〇年会议纪要", "开放", "已满三十年，内容一般", "reviewer")
    ]
    assert waiting.title not in str(rows)
    text = _pdf_text(client.get("/staff/review/register.pdf", {"fonds": "J001"}))
    assert "一九八〇年会议纪要" in text and "审批人（签名）" in text
    assert client.get("/staff/review/register.pdf", {"fonds": "J002"}).status_code == 404


def test_the_catalogues_print_as_pdf_too(client, archivist, fonds):
    make_item(fonds, title="二〇〇一年会议通知", year=2001)
    verified_login(client, archivist)
    text = _pdf_text(client.get("/staff/items/J001/catalogue.pdf"))
    assert "归档文件目录" in text and "二〇〇一年会议通知" in text


def test_a_pdf_too_long_to_lay_out_is_refused_with_a_link_to_the_xlsx(
    client, archivist, batch, monkeypatch
):
    monkeypatch.setattr(printing, "PDF_MAX_ROWS", 0)
    verified_login(client, archivist)
    response = client.get("/staff/items/J001/catalogue.pdf?year=2020")
    body = response.content.decode()
    assert response.status_code == 413 and "不生成 PDF" in body
    assert 'href="/staff/items/J001/catalogue.xlsx?year=2020"' in body


def test_without_pango_the_page_says_so_and_offers_the_xlsx(client, archivist, batch, monkeypatch):
    def missing(*args):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(printing, "pdf_bytes", missing)
    verified_login(client, archivist)
    response = client.get(f"/staff/ingest/batch/{batch.code}/register.pdf")
    assert response.status_code == 503 and "本机不能生成 PDF" in response.content.decode()


def test_registers_of_another_fonds_are_not_found_and_reviewers_get_no_batch_register(
    client, reviewer, batch, other_fonds
):
    verified_login(client, make_user("stranger", "archivist", fonds=[other_fonds]))
    for form in ("register.xlsx", "register.pdf", "report.xlsx", "report.pdf"):
        assert client.get(f"/staff/ingest/batch/{batch.code}/{form}").status_code == 404
    verified_login(client, reviewer)
    assert client.get(f"/staff/ingest/batch/{batch.code}/register.pdf").status_code == 403
