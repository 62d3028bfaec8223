"""``lantai backup [DEST ...]``: a consistent, incremental backup (see ``preservation/backup.py``).

With no DEST, every destination in ``LANTAI_BACKUP_DESTINATIONS`` (separated by ``:``, e.g. a
local disk and another site's mount for 异地备份) gets the same backup in turn.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import CommandError

from lantai.cli_base import LantaiCommand
from lantai.preservation.backup import BackupError, back_up
from lantai.preservation.packages import refresh_due


class Command(LantaiCommand):
    help = (
        "备份：lantai backup 目标目录… 在服务运行时写入一致的备份（数据库、全部存档包、"
        "密钥与审计检查点），首次之后只复制新文件；不指定目录时写入 LANTAI_BACKUP_DESTINATIONS"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("destinations", nargs="*", help="备份目标目录（可多个：异地备份）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档")

    def handle(self, *args, **options) -> None:
        targets = options["destinations"] or [
            d for d in os.environ.get("LANTAI_BACKUP_DESTINATIONS", "").split(":") if d
        ]
        if not targets:
            raise CommandError(
                "请指定备份目标目录，如 lantai backup /mnt/备份盘，"
                "或在 LANTAI_BACKUP_DESTINATIONS 中配置（多个目录用冒号分隔）"
            )
        refresh_due()  # the backup holds every package version due, not only those written
        done = []
        for target in targets:
            try:
                made = back_up(Path(target))
            except (BackupError, OSError) as error:
                raise CommandError(f"备份到「{target}」失败：{error}") from None
            done.append(
                {
                    "destination": target,
                    "backup": made["name"],
                    "rows": made["rows"],
                    "files": len(made["files"]),
                    "copied": made["copied"],
                    "audit_head": made["audit_head"],
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(done, ensure_ascii=False))
            return
        for d in done:
            self.stdout.write(
                f"已备份到 {d['destination']}（{d['backup']}）：{d['rows']} 行数据，"
                f"{d['files']} 个存储文件，其中新复制 {d['copied']} 个"
            )
