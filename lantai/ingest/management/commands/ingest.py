from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from lantai.archive.domains import DomainError
from lantai.archive.refcode import RefCodeError
from lantai.cli_base import LantaiCommand
from lantai.env import SettingError
from lantai.ingest.batch import IngestError, IngestReport, ingest
from lantai.sip.errors import SERVER_FAULT_EXIT, ServerFault

VERDICT = {True: "[green]通过[/]", False: "[red]未通过[/]", None: "[yellow]未执行[/]"}


class Command(LantaiCommand):
    help = "接收进馆：对提交包（文件夹+目录、BagIt、WARC、zip）做四性检测，通过则入库"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="提交包路径")
        parser.add_argument("--fonds", help="全宗号（提交包未写明时必填）")
        parser.add_argument("--agency", default="", help="移交单位")
        parser.add_argument("--category", default="", help="缺省门类代码，如 WY（网页）")
        parser.add_argument("--retention", default="", help="缺省保管期限，如 D30")
        parser.add_argument("--org", default="", help="缺省机构（问题）代码，如 BGS")
        parser.add_argument("--check-only", action="store_true", help="只检测，不做任何改动")
        parser.add_argument(
            "--require-virus-check",
            action="store_true",
            default=None,
            help="病毒检测为必检项：未安装 ClamAV 时退回（亦可设 LANTAI_REQUIRE_VIRUS_CHECK=true）",
        )
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档")

    def handle(self, *args, **options) -> None:
        defaults = {k: options[k] for k in ("category", "retention", "org")}
        quiet = options["json"]
        try:
            with self.progress(quiet) as callback:
                report = ingest(
                    options["path"],
                    fonds_code=options["fonds"],
                    agency=options["agency"],
                    defaults=defaults,
                    check_only=options["check_only"],
                    require_virus_check=options["require_virus_check"],
                    progress=callback,
                )
        except (IngestError, RefCodeError, DomainError, SettingError) as error:
            if quiet:  # --json: still one JSON document on stdout, for scripts
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

    def progress(self, quiet: bool):
        bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            disable=quiet,
            transient=True,
        )
        tasks: dict[str, TaskID] = {}

        class Context:
            def __enter__(self_inner):
                bars.start()

                def callback(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = bars.add_task(stage, total=total)
                    bars.update(tasks[stage], completed=done, total=total)

                return callback

            def __exit__(self_inner, *exc):
                bars.stop()

        return Context()

    def print_report(self, report: IngestReport) -> None:
        console = Console()
        if report.already_received:
            self.stdout.write(f"已接收：批次 {report.batch}（此前已接收入库，本次未作改动）")
            return
        table = Table(title="四性检测报告（DA/T 70 移交接收环节）")
        # The short columns never wrap; 检测项目 and 说明 fold (fold breaks even a long path),
        # and 说明 keeps at least half the width, so nothing is cut with "…" or squeezed to
        # a sliver on a narrow or piped (80-column) terminal.
        table.add_column("编号", no_wrap=True)
        table.add_column("性质", no_wrap=True)
        table.add_column("检测项目", overflow="fold", ratio=1)
        table.add_column("结论", no_wrap=True)
        table.add_column("说明", overflow="fold", ratio=3, min_width=24)
        for check in report.checks:
            table.add_row(
                check["code"],
                check["property"],
                check["name"],
                VERDICT[check["passed"]],
                check["detail"],
            )
        console.print(table)
        summary = f"{report.items} 件，{report.files} 个文件，{report.bytes} 字节"
        if report.status == "accepted":
            console.print(f"[green]已接收入库[/]：批次 {report.batch}，{summary}")
        elif report.check_only and not report.would_accept:
            console.print(f"[red]仅检测（未入库）：检测未通过，正式移交将被退回[/]：{summary}")
        elif report.status == "returned":
            console.print(
                f"[red]检测未通过，已退回[/]：批次 {report.batch}，{summary}；馆藏未作任何改动"
            )
        else:
            console.print(f"仅检测（未入库）：检测通过，可正式移交：{summary}")
