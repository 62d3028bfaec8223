"""XLSX catalogues: every sheet with the catalogue's header is read, and merged cells and
formulas saved without their result are named as what they are, not as empty fields."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from lantai.ingest.checks import CheckContext, run_checks
from lantai.ingest.sources import open_submission
from tests.ingest.builders import pdf_bytes

HEADER = ["题名", "责任者", "日期", "保管期限", "文件名"]
NO_CLAMD = CheckContext(clamd="/nonexistent/clamd.ctl")


def line(n: int, **changes: str) -> list[str]:
    values = {"题名": f"关于第{n}项工作的通知", "责任者": "办公室", "日期": "2020-03-01"}
    values |= {"保管期限": "永久", "文件名": f"{n}.pdf"} | changes
    return [values[h] for h in HEADER]


def save(book: openpyxl.Workbook, root: Path, files: range) -> Path:
    for n in files:
        (root / f"{n}.pdf").write_bytes(pdf_bytes(str(n)))
    book.save(root / "目录.xlsx")
    return root


def results(root: Path) -> dict:
    return {r.code: r for r in run_checks(open_submission(root), NO_CLAMD)}


def test_every_sheet_with_the_catalogue_header_is_read_and_the_others_are_named(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2020年"
    for values in (HEADER, line(1), line(2)):
        first.append(values)
    second = book.create_sheet("2021年")
    for values in (["2021年归档文件目录"], HEADER, line(3)):
        second.append(values)
    book.create_sheet("说明").append(["本批共 3 件，由办公室整理"])
    submission = open_submission(save(book, tmp_path, range(1, 4)))
    assert not submission.problems
    assert [(i.sheet, i.row) for i in submission.items] == [
        ("2020年", 2),
        ("2020年", 3),
        ("2021年", 3),
    ]
    assert submission.items[2].where() == "目录工作表「2021年」第 3 行"
    warning = next(w for w in submission.warnings if "工作表" in w)
    assert "读取了工作表 「2020年」、「2021年」" in warning
    assert "未读取工作表 「说明」（前五行中没有目录表头）" in warning
    assert not submission.unlisted_files


def test_a_sheet_with_the_header_but_missing_a_required_column_fails_1_12_not_skipped(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(line(1))
    other = book.create_sheet("补充")
    other.append(HEADER[:-1])
    other.append(line(2)[:-1])
    outcome = results(save(book, tmp_path, range(1, 2)))
    assert outcome["1-12"].passed is False
    assert "工作表「补充」有目录表头，但缺少" in outcome["1-12"].detail
    assert "文件名" in outcome["1-12"].detail


def test_an_xlsx_without_a_recognisable_header_gets_no_encoding_message(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["名称", "人员"])
    book.active.append(["甲", "乙"])
    submission = open_submission(save(book, tmp_path, range(0)))
    message = " ".join(str(p) for p in submission.problems)
    assert "没有可识别的目录表头" in message
    assert "编码" not in message


def test_a_merged_title_is_named_with_its_region_instead_of_an_empty_mandatory_field(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for values in (HEADER, line(1), line(2), line(3, 题名=""), line(4, 题名="")):
        sheet.append(values)
    sheet.merge_cells("A3:A5")
    outcome = results(save(book, tmp_path, range(1, 5)))
    assert outcome["1-12"].passed is False
    assert "第 3–5 行「题名」在合并单元格中（A3:A5），请取消合并并在每行填写" in (
        outcome["1-12"].detail
    )
    assert "必填项为空" not in outcome["2-4"].detail


def test_a_merged_title_line_above_the_header_is_not_a_problem(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for values in (["2020年归档文件目录"], HEADER, line(1)):
        sheet.append(values)
    sheet.merge_cells("A1:E1")
    assert not open_submission(save(book, tmp_path, range(1, 2))).problems


def test_a_formula_saved_without_its_result_names_the_cell_and_says_to_save_in_excel(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for values in (HEADER, line(1, 题名='="关于"&"工作的通知"')):
        sheet.append(values)
    outcome = results(save(book, tmp_path, range(1, 2)))
    assert outcome["3-1"].passed is False
    detail = outcome["3-1"].detail
    assert "单元格 A2（第 2 行「题名」）是公式" in detail and "Excel 或 WPS" in detail
    assert "粘贴为数值" in detail
    assert "必填项为空" not in outcome["2-4"].detail


def test_a_formula_whose_saved_result_is_empty_text_is_not_called_unsaved(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for values in ([*HEADER, "备注"], [*line(1), '=""']):
        sheet.append(values)
    root = save(book, tmp_path, range(1, 2))
    # Excel writes a formula giving "" as t="str" with an empty <v>; openpyxl writes no type.
    path = root / "目录.xlsx"
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = "xl/worksheets/sheet1.xml"
    members[sheet_xml] = members[sheet_xml].replace(b'<c r="F2">', b'<c r="F2" t="str">')
    assert b't="str"' in members[sheet_xml]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert not open_submission(root).problems
