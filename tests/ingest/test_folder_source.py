"""Folder + catalogue transfers (lantai.ingest.sources.folder / catalogue)."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from lantai.ingest.sources import folder, open_submission
from lantai.ingest.sources.catalogue import decode_catalogue
from lantai.ingest.sources.grid import header_key
from tests.ingest.builders import pdf_bytes, row, write_csv


def test_folder_with_catalogue_is_read_into_items_with_canonical_fields(make_folder):
    submission = open_submission(make_folder())
    assert submission.kind == "folder"
    assert not submission.problems
    first = submission.items[0]
    assert first.row == 2
    assert first.ref_code == "J001-WS·2020-Y-BGS-0001"
    assert first.fields["title"] == "关于第1项工作的通知"
    assert first.fields["retention"] == "永久"
    assert [f.name for f in first.files] == ["0001.pdf"]
    assert first.files[0].size == first.files[0].path.stat().st_size


def test_catalogue_in_gb18030_is_read(make_folder):
    submission = open_submission(make_folder(encoding="gb18030"))
    assert not submission.problems
    assert submission.items[2].fields["creator"] == "办公室"


def test_catalogue_with_utf8_bom_is_read(make_folder):
    submission = open_submission(make_folder(encoding="utf-8-sig"))
    assert not submission.problems
    assert submission.items[0].ref_code.startswith("J001")


def test_catalogue_in_big5_with_traditional_headers_is_read(tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    text = "題名,責任者,日期,保管期限,文件名\n關於工作的通知,辦公室,2020-01-02,永久,a.pdf\n"
    (tmp_path / "目录.csv").write_bytes(text.encode("big5"))
    submission = open_submission(tmp_path)
    assert not submission.problems
    assert submission.items[0].fields["title"] == "關於工作的通知"


def test_catalogue_with_undecodable_bytes_names_the_file(tmp_path):
    (tmp_path / "目录.csv").write_bytes(b"\xff\xfe\x00\xd8garbage\x81")
    submission = open_submission(tmp_path)
    assert any(p.file == "目录.csv" and p.code == "3-1" for p in submission.problems)


def test_english_headers_and_variants_are_mapped():
    assert header_key("Title") == "title"
    assert header_key("机构（问题）代码") == "org"
    assert header_key("计算机文件名") == "file"
    assert header_key("SHA-256") == "digest:sha256"
    assert header_key("形成日期") == "date"
    assert header_key("文件编号") == "doc_number"


def test_catalogue_missing_columns_names_them(make_folder):
    rows = [{"题名": "通知", "文件名": "a.pdf"}]
    submission = open_submission(make_folder(rows))
    [problem] = submission.problems
    assert problem.code == "2-3"
    assert "责任者" in problem.message and "保管期限" in problem.message


def test_xlsx_catalogue_is_read_with_excel_values_as_text(tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Title", "Author", "Date", "Retention", "Pages", "File name"])
    import datetime as dt

    sheet.append(["年度报告", "办公室", dt.datetime(2021, 5, 6), "D30", 12.0, "a.pdf"])
    book.save(tmp_path / "目录.xlsx")
    submission = open_submission(tmp_path)
    assert not submission.problems
    fields = submission.items[0].fields
    assert fields["date"] == "2021-05-06" and fields["pages"] == "12"


def test_several_files_per_row_and_digest_columns_are_kept_in_order(make_folder):
    import hashlib

    data_a, data_b = pdf_bytes(), pdf_bytes() + b"\n"
    digests = ";".join(hashlib.sha256(d).hexdigest() for d in (data_a, data_b))
    rows = [row(1, 文件名="正文.pdf；附件/附件1.pdf") | {"SHA256": digests}]
    submission = open_submission(make_folder(rows, {"正文.pdf": data_a, "附件/附件1.pdf": data_b}))
    files = submission.items[0].files
    assert [f.name for f in files] == ["正文.pdf", "附件/附件1.pdf"]
    assert files[1].declared["sha256"] == hashlib.sha256(data_b).hexdigest()


def test_file_named_with_parent_path_is_refused_naming_row_and_field(make_folder):
    submission = open_submission(make_folder([row(1, 文件名="../x.pdf")]))
    [problem] = submission.problems
    assert (problem.row, problem.field, problem.code) == (2, "file", "4-8")
    assert ".." in problem.message


def test_absolute_path_in_catalogue_is_refused(make_folder):
    submission = open_submission(make_folder([row(1, 文件名="/etc/passwd")]))
    assert any("绝对路径" in p.message for p in submission.problems)
    assert not submission.items[0].files


def test_symlink_in_folder_is_refused_and_not_followed(make_folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    root = make_folder(files={"0001.pdf": None})
    os.symlink(secret, root / "0001.pdf")
    submission = open_submission(root)
    assert any(p.file == "0001.pdf" and "符号链接" in p.message for p in submission.problems)
    assert all(f.path.name != "secret.txt" for f in submission.files)


def test_fifo_in_folder_is_reported_as_not_a_regular_file(make_folder):
    root = make_folder()
    os.mkfifo(root / "pipe")
    submission = open_submission(root)
    assert any(p.file == "pipe" and p.code == "4-8" for p in submission.problems)


def test_file_missing_from_folder_is_a_problem_on_its_row(make_folder):
    submission = open_submission(make_folder(files={"0002.pdf": None}))
    [problem] = submission.problems
    assert (problem.row, problem.file, problem.code) == (3, "0002.pdf", "1-11")


def test_file_not_in_catalogue_is_unlisted(make_folder):
    submission = open_submission(make_folder(files={"多余.pdf": pdf_bytes(), ".DS_Store": b"x"}))
    assert submission.unlisted_files == ["多余.pdf"]
    assert any(".DS_Store" in w for w in submission.warnings)


def test_filename_in_gbk_bytes_is_recovered_and_matched(make_folder):
    root = make_folder([row(1, 文件名="通知.pdf")], {"通知.pdf": None})
    with open(os.path.join(os.fsencode(root), "通知.pdf".encode("gbk")), "wb") as stream:
        stream.write(pdf_bytes())
    submission = open_submission(root)
    assert not submission.problems
    assert submission.items[0].files[0].name == "通知.pdf"
    assert any("GBK" in w for w in submission.warnings)


def test_nfd_filename_matches_nfc_catalogue_entry(make_folder):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Café.pdf")
    root = make_folder([row(1, 文件名="Café.pdf")], {nfd: pdf_bytes(), "Café.pdf": None})
    submission = open_submission(root)
    assert submission.items[0].files[0].name == "Café.pdf"


def test_readme_declares_counts_and_bytes():
    declared = folder.parse_readme(
        "件数：3\n文件数: 3\n总字节数：1,234\n移交单位：办公室\n".encode()
    )
    assert declared == {"items": 3, "files": 3, "bytes": 1234, "agency": "办公室"}
    approx = folder.parse_readme("数据量：1.234 GB".encode("gb18030"))
    assert approx["bytes_tolerance"] > 0


def test_ten_gigabyte_file_is_not_read_while_parsing(make_folder):
    root = make_folder(files={"0001.pdf": None})
    with open(root / "0001.pdf", "wb") as stream:  # sparse: no blocks allocated
        stream.truncate(10 * 1024**3)
    submission = open_submission(root)
    assert submission.items[0].files[0].size == 10 * 1024**3


def test_folder_without_catalogue_is_not_recognised(tmp_path: Path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    submission = open_submission(tmp_path)
    assert submission.problems and "无法识别" in submission.problems[0].message


def test_decode_catalogue_prefers_utf8_then_gb18030():
    assert decode_catalogue("题名".encode()) == "题名"
    assert decode_catalogue("题名".encode("gb18030")) == "题名"
    with pytest.raises(UnicodeDecodeError):
        decode_catalogue(b"\x81\x20")


def test_csv_writer_helper_round_trips(tmp_path):
    write_csv(tmp_path / "x.csv", [row(1)])
    assert "档号" in (tmp_path / "x.csv").read_text("utf-8")


def test_catalogue_with_a_title_line_above_the_header_is_read(make_folder):
    root = make_folder()
    text = (root / "目录.csv").read_text("utf-8")
    (root / "目录.csv").write_text("2020年归档文件目录,,,\n" + text, encoding="utf-8")
    submission = open_submission(root)
    assert not submission.problems and submission.items[0].row == 3


def test_big5_catalogue_with_ascii_headers_is_decoded_as_big5_not_gb18030_mojibake(tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes())
    text = (
        "title,creator,date,retention,file\n"
        "臺北市政府關於檔案工作的通知,辦公室,2020-01-02,永久,a.pdf\n"
    )
    (tmp_path / "目录.csv").write_bytes(text.encode("big5"))
    submission = open_submission(tmp_path)
    assert not submission.problems
    assert submission.items[0].fields["title"] == "臺北市政府關於檔案工作的通知"
    assert submission.items[0].fields["creator"] == "辦公室"
