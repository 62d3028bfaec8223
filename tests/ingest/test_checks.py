"""四性检测 items (lantai.ingest.checks): each bad input fails its DA/T 70 item by name."""

from __future__ import annotations

import hashlib
import io
import socket
import struct
import threading
import zipfile
from pathlib import Path

import pytest

from lantai.ingest.checks import CheckContext, accepted, manual_result, run_checks
from lantai.ingest.sources import open_submission
from tests.ingest.builders import pdf_bytes, row

NO_CLAMD = CheckContext(clamd="/nonexistent/clamd.ctl")


def results_for(root: Path, context: CheckContext = NO_CLAMD) -> dict[str, object]:
    return {r.code: r for r in run_checks(open_submission(root), context)}


def test_clean_folder_is_accepted_and_every_result_has_code_property_and_chinese_name(make_folder):
    results = run_checks(open_submission(make_folder()), NO_CLAMD)
    assert accepted(results)
    assert {r.property for r in results} == {"真实性", "完整性", "可用性", "安全性"}
    by_code = {r.code: r for r in results}
    assert by_code["2-1"].name == "电子文件总件数相符性检测"
    assert by_code["1-7"].passed is True


def test_without_clamd_virus_scan_is_not_performed_never_passed(make_folder):
    results = results_for(make_folder())
    for code in ("4-1", "4-2"):
        assert results[code].passed is None
        assert results[code].detail == "未执行：未检测到 ClamAV (clamd)"


def test_duplicate_ref_code_fails_1_8(make_folder):
    rows = [row(1), row(2, 档号="J001-WS·2020-Y-BGS-0001")]
    results = results_for(make_folder(rows))
    assert results["1-8"].passed is False
    assert "J001-WS·2020-Y-BGS-0001" in results["1-8"].detail


def test_ref_code_already_in_archive_fails_1_8(make_folder):
    context = CheckContext(
        clamd="/x", existing_ref_codes=lambda codes: {c for c in codes if c.endswith("0002")}
    )
    results = results_for(make_folder(), context)
    assert results["1-8"].passed is False and "目录第 3 行" in results["1-8"].detail


def test_malformed_ref_code_fails_1_7_naming_the_part(make_folder):
    results = results_for(make_folder([row(1, 档号="J001-WS·20-Y-BGS-0001")]))
    assert results["1-7"].passed is False
    assert "目录第 2 行" in results["1-7"].detail and "年度" in results["1-7"].detail


def test_row_without_ref_code_needs_parts_to_allocate_one(make_folder):
    results = results_for(make_folder([row(1, 档号="")]))
    assert results["1-7"].passed is False and "全宗号" in results["1-7"].detail
    context = CheckContext(clamd="/x", defaults={"fonds": "J001", "category": "WS", "org": "BGS"})
    assert results_for(make_folder([row(1, 档号="")], name="b"), context)["1-7"].passed


def test_gap_in_item_numbers_fails_2_6_and_archive_maximum_is_continued(make_folder):
    results = results_for(make_folder([row(1), row(3)]))
    assert results["2-6"].passed is False and "缺 2" in results["2-6"].detail
    context = CheckContext(clamd="/x", group_max_number=lambda group: 5)
    assert "应从 6 起" in results_for(make_folder(name="b"), context)["2-6"].detail


def test_value_outside_domain_and_future_date_fail_1_4_and_1_5(make_folder):
    results = results_for(make_folder([row(1, 保管期限="长久", 日期="2999-01-01", 密级="特级")]))
    assert results["1-4"].passed is False and "长久" in results["1-4"].detail
    assert "特级" in results["1-4"].detail
    assert results["1-5"].passed is False and "2999-01-01" in results["1-5"].detail


def test_malformed_date_fails_1_3(make_folder):
    results = results_for(make_folder([row(1, 日期="2020-13-45")]))
    assert results["1-3"].passed is False and "「日期」" in results["1-3"].detail


def test_empty_mandatory_field_fails_2_4_naming_row_and_field(make_folder):
    results = results_for(make_folder([row(1, 责任者="")]))
    assert results["2-4"].passed is False
    assert "目录第 2 行" in results["2-4"].detail and "责任者" in results["2-4"].detail


def test_missing_columns_fail_2_3(make_folder):
    results = results_for(make_folder([{"题名": "通知", "文件名": "a.pdf"}]))
    assert results["2-3"].passed is False and "保管期限" in results["2-3"].detail


def test_empty_file_fails_content_completeness_and_readability(make_folder):
    results = results_for(make_folder(files={"0002.pdf": b""}))
    assert results["2-7"].passed is False and "0002.pdf" in results["2-7"].detail
    assert results["3-4"].passed is False


def test_truncated_pdf_fails_readability_naming_the_file(make_folder):
    results = results_for(make_folder(files={"0003.pdf": pdf_bytes()[:300]}))
    assert results["3-4"].passed is False
    assert "0003.pdf" in results["3-4"].detail and "目录第 4 行" in results["3-4"].detail


def test_declared_digest_mismatch_fails_1_1(make_folder):
    data = pdf_bytes()
    rows = [row(1) | {"SM3": "0" * 64}, row(2) | {"SM3": hashlib.new("sm3", data).hexdigest()}]
    results = results_for(make_folder(rows, {"0001.pdf": data, "0002.pdf": data}))
    assert results["1-1"].passed is False
    assert "0001.pdf" in results["1-1"].detail and "0002.pdf" not in results["1-1"].detail


def test_declared_counts_and_bytes_are_compared(make_folder):
    results = results_for(make_folder(readme="件数：4\n总字节数：10\n"))
    assert results["2-1"].passed is False and "声明件数 4" in results["2-1"].detail
    assert results["2-2"].passed is False


def test_unlisted_file_fails_2_11(make_folder):
    results = results_for(make_folder(files={"夹带.pdf": pdf_bytes()}))
    assert results["2-11"].passed is False and "夹带.pdf" in results["2-11"].detail


def test_disallowed_format_fails_3_3_and_executable_fails_4_9(make_folder):
    results = results_for(make_folder([row(1, 文件名="setup.pdf")], {"setup.pdf": b"MZ\x90\0" * 8}))
    assert results["3-3"].passed is False
    assert results["4-9"].passed is False and "setup.pdf" in results["4-9"].detail
    assert results["1-10"].passed is False  # the extension says PDF, the bytes say EXE


def docx_with_macro() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/vbaProject.bin", b"\0" * 16)
    return buffer.getvalue()


def test_docx_with_macro_fails_4_9(make_folder):
    root = make_folder([row(1, 文件名="a.docx")], {"a.docx": docx_with_macro()})
    results = results_for(root)
    assert results["4-9"].passed is False and "vbaProject.bin" in results["4-9"].detail


def test_html_with_script_is_reported_not_refused(make_folder):
    page = b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body>x</body></html>"
    results = results_for(make_folder([row(1, 文件名="p.html")], {"p.html": page}))
    assert results["4-9"].passed is True and "p.html" in results["4-9"].detail
    assert results["3-3"].passed is True


def test_encrypted_pdf_fails_3_8(make_folder):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    results = results_for(make_folder(files={"0001.pdf": buffer.getvalue()}))
    assert results["3-8"].passed is False and "加密" in results["3-8"].detail


def test_reading_problems_fold_into_their_items(make_folder):
    results = results_for(make_folder([row(1, 文件名="../x.pdf")]))
    assert results["4-8"].passed is False and "第 2 行" in results["4-8"].detail
    assert not accepted(results.values())


def test_manual_item_is_recorded_with_operator():
    result = manual_result("4-5", True, "光盘无划痕", "张三")
    assert result.name == "载体外观检测" and "张三" in result.detail and result.passed
    with pytest.raises(ValueError):
        manual_result("9-9", True, "", "x")


def fake_clamd(path: Path, verdict: bytes) -> threading.Thread:
    """A clamd stand-in speaking PING / VERSION / INSTREAM on a Unix socket."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen()

    def serve() -> None:
        while True:
            connection, _ = server.accept()
            with connection:
                command = connection.recv(10)
                if command.startswith(b"zPING"):
                    connection.sendall(b"PONG\0")
                elif command.startswith(b"zVERSION"):
                    connection.sendall(b"ClamAV 1.0.0/test\0")
                else:
                    while True:
                        size = struct.unpack(">I", _exactly(connection, 4))[0]
                        if not size:
                            break
                        _exactly(connection, size)
                    connection.sendall(b"stream: " + verdict + b"\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def _exactly(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        data += connection.recv(count - len(data))
    return data


def test_virus_found_by_clamd_fails_4_2(make_folder, tmp_path):
    address = tmp_path / "clamd.sock"
    fake_clamd(address, b"Eicar-Signature FOUND")
    results = results_for(make_folder(), CheckContext(clamd=str(address)))
    assert results["4-1"].passed is True and "ClamAV" in results["4-1"].detail
    assert results["4-2"].passed is False and "Eicar-Signature FOUND" in results["4-2"].detail


def test_a_private_use_area_character_fails_1_6_naming_it_and_suggesting_utf_8(make_folder):
    rows = [row(1, 题名="关于\ue4c6工作的通知"), row(2), row(3)]
    results = results_for(make_folder(rows))
    assert results["1-6"].passed is False
    assert "U+E4C6" in results["1-6"].detail
    assert "题名" in results["1-6"].detail
    assert "UTF-8" in results["1-6"].detail
