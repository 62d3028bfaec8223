"""The printed 四性检测 report never cuts the 说明 column, on a narrow or piped terminal."""

from __future__ import annotations

import re

from lantai.ingest.batch import IngestReport
from lantai.ingest.management.commands.ingest import Command


def test_a_long_detail_is_printed_in_full_on_a_piped_80_column_terminal(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    detail = "第12行「题名」为空，请填写题名后重新移交；文件 a/very/long/path/name_0123456789.pdf"
    report = IngestReport(
        status="returned",
        fonds="J001",
        check_only=True,
        checks=[
            {
                "code": "1-6",
                "property": "真实性",
                "name": "元数据项",
                "passed": False,
                "detail": detail,
            }
        ],
    )
    Command().print_report(report)
    out = capsys.readouterr().out
    assert "…" not in out
    last_cells = "".join(line.split("│")[-2] for line in out.splitlines() if line.count("│") > 1)
    assert re.sub(r"\s", "", detail) in re.sub(r"\s", "", last_cells)


def test_long_check_names_do_not_squeeze_the_detail_to_a_sliver(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    detail = "病毒检测为必检项目，未能执行：需要 ClamAV（clamd），本批因此退回"
    checks = [
        {
            "code": f"4-{n}",
            "property": "安全性",
            "name": "归档信息包病毒检测与系统环境安全性检测（ClamAV 守护进程）",
            "passed": False,
            "detail": detail,
        }
        for n in (1, 2)
    ]
    Command().print_report(IngestReport(status="returned", fonds="J001", checks=checks))
    out = capsys.readouterr().out
    assert "…" not in out
    first_row = next(line for line in out.splitlines() if "4-1" in line)
    assert len(first_row.split("│")[-2].strip()) >= 10  # CJK characters, 2 columns each
    last_cells = "".join(line.split("│")[-2] for line in out.splitlines() if line.count("│") > 1)
    assert re.sub(r"\s", "", detail) in re.sub(r"\s", "", last_cells)
