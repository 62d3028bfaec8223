"""``lantai restore SRC``: rebuild an archive from a backup (see ``preservation/restore.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

from lantai.cli_base import LantaiCommand
from lantai.preservation.backup import BackupError
from lantai.preservation.restore import restore


class Command(LantaiCommand):
    help = (
        "恢复：lantai restore 备份目录 在新的数据目录和空数据库中重建档案馆，"
        "随后校验固定性与审计链并重建检索索引"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="lantai backup 的目标目录（取最新一份）或其中一份备份")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档")

    def handle(self, *args, **options) -> None:
        try:
            report = restore(Path(options["source"]))
        except (BackupError, OSError) as error:
            raise CommandError(f"恢复失败：{error}") from None
        proved = all(report[name]["ok"] for name in ("fixity", "audit", "reindex"))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            verdict = {True: "通过", False: "未通过"}
            fixity, audit = report["fixity"]["ok"], report["audit"]["ok"]
            self.stdout.write(
                f"已从备份 {report['backup']} 恢复 {report['rows']} 行数据、"
                f"{report['files']} 个存储文件；固定性校验{verdict[fixity]}，"
                f"审计链校验{verdict[audit]}，"
                f"检索索引{'已重建' if report['reindex']['ok'] else '重建失败'}"
            )
        if not proved:
            raise SystemExit(1)
