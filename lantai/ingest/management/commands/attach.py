"""``lantai attach``: 数字化挂接 from the command line (see lantai/ingest/attach/run.py)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from rich.console import Console
from rich.table import Table

from lantai.cli_base import LantaiCommand
from lantai.env import SettingError
from lantai.ingest.attach.run import attach
from lantai.ingest.batch import IngestError, IngestReport
from lantai.ingest.management.commands.ingest import VERDICT
from lantai.sip.errors import SERVER_FAULT_EXIT, ServerFault


class Command(LantaiCommand):
    help = "数字化挂接：把以档号命名的扫描件（文件夹、zip 或单个文件）挂接到本全宗已著录的档案"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="扫描件所在的文件夹、zip 或单个文件")
        parser.add_argument("--fonds", required=True, help="全宗号")
        parser.add_argument(
            "--append", action="store_true", help="追加到已有电子文件的档案（补扫的页面）"
        )
        parser.add_argument("--check-only", action="store_true", help="只检测，不做任何改动")
        parser.add_argument(
            "--require-virus-check",
            action="store_true",
            default=None,
            help="病毒检测为必检项：未安装 ClamAV 时退回",
        )
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档")

    def handle(self, *args, **options) -> None:
        quiet = options["json"]
        try:
            report = attach(
                options["path"],
                fonds_code=options["fonds"],
                append=options["append"],
                check_only=options["check_only"],
                require_virus_check=options["require_virus_check"],
            )
        except (IngestError, SettingError) as error:
            if quiet:
                self.stdout.write(
                    json.dumps({"status": "error", "error": str(error)}, ensure_ascii=False)
                )
            code = SERVER_FAULT_EXIT if isinstance(error, ServerFault) else 1
            raise CommandError(str(error), returncode=code) from None
        if quiet:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            self.print_report(report)
        if report.status == "returned":
            raise SystemExit(1)

    def print_report(self, report: IngestReport) -> None:
        console = Console()
        table = Table(title="数字化挂接 四性检测报告")
        table.add_column("编号", no_wrap=True)
        table.add_column("检测项目", overflow="fold", ratio=1)
        table.add_column("结论", no_wrap=True)
        table.add_column("说明", overflow="fold", ratio=3, min_width=24)
        for check in report.checks:
            table.add_row(check["code"], check["name"], VERDICT[check["passed"]], check["detail"])
        console.print(table)
        for warning in report.warnings:
            console.print(f"[yellow]{warning}[/]")
        summary = f"{report.items} 件档案，{report.files} 个文件"
        if report.status == "accepted":
            console.print(f"[green]已挂接[/]：批次 {report.batch}，{summary}")
            for row in report.records:
                console.print(f"  {row['ref_code']}  {row['pages']} 页  {row['title']}")
        elif report.status == "returned" and report.batch:
            console.print(
                f"[red]检测未通过，已退回[/]：批次 {report.batch}，{summary}；档案未作任何改动"
            )
        elif report.status == "returned":
            console.print(f"[red]仅检测：检测未通过，正式挂接将被退回[/]：{summary}")
        else:
            console.print(f"仅检测（未挂接）：检测通过，可正式挂接：{summary}")
