"""``lantai formats [--json]``: the holdings by format, and the files not in a preservation
format (see ``preservation/holdings.py`` and the format registry)."""

from __future__ import annotations

import json

from lantai.cli_base import LantaiCommand
from lantai.preservation.holdings import by_format


class Command(LantaiCommand):
    help = "格式报告：按格式统计馆藏电子文件（PRONOM 标识），列出待转换和有风险格式的文件"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档")
        parser.add_argument("--limit", type=int, default=200, help="最多列出多少个有风险的文件")

    def handle(self, *args, **options) -> None:
        report = by_format(limit=max(options["limit"], 0))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self.stdout.write(f"馆藏电子文件 {report['files']} 个：")
        for row in report["formats"]:
            target = f"，转换为 {row['convert_to']}" if row["convert_to"] else ""
            puids = "、".join(row["puids"]) or "PRONOM 未识别"
            self.stdout.write(
                f"  {row['label']}（{puids}）{row['files']} 个，{row['bytes']} 字节 — "
                f"{row['standing_label']}{target}"
            )
        if report["at_risk_total"]:
            self.stdout.write(f"非长期保存格式的文件 {report['at_risk_total']} 个：")
            for entry in report["at_risk"]:
                self.stdout.write(f"  {entry['ref_code']}  {entry['file']}（{entry['format']}）")
