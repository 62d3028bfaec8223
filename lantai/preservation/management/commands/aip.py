"""``lantai aip``: a record's package versions and their events; writing the versions due.

``aip show REF [--json]`` lists the versions of a record's package (a former 档号 finds the
renumbered record), each with where it is stored, when it was written, and its PREMIS events
read from the package itself. ``aip refresh`` writes the versions the outbox asks for;
``--all`` looks at every record (after an upgrade, or when ``lantai fixity`` reports a package
without a description snapshot).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from lantai.archive.models import Item, RefCodeAlias
from lantai.archive.refcode import normalise
from lantai.cli_base import LantaiCommand
from lantai.preservation.outbox import enqueue
from lantai.preservation.packages import history, refresh_due


class Command(LantaiCommand):
    help = (
        "存档包版本：aip show 档号 [--json] 列出档案的存档包各版本及其保存事件；"
        "aip refresh [--all] 写入待更新的新版本"
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="列出一件档案的存档包版本与保存事件")
        show.add_argument("ref_code", help="档号（原档号也可）")
        show.add_argument("--json", action="store_true", help="输出一个 JSON 文档")
        refresh = sub.add_parser("refresh", help="为状态有变化的档案写入存档包新版本")
        refresh.add_argument("--all", action="store_true", help="检查全部档案（升级后运行一次）")

    def handle(self, *args, **options) -> None:
        if options["action"] == "refresh":
            if options["all"]:
                last = 0
                while ids := list(
                    Item.objects.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:2000]
                ):
                    enqueue(ids)
                    last = ids[-1]
            written = refresh_due()
            self.stdout.write(f"已写入 {written} 个存档包新版本")
            return
        item = self.find_item(options["ref_code"])
        rows = history(item, Path(settings.STORAGE_DIR))
        if options["json"]:
            payload = {"ref_code": item.ref_code, "versions": rows}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{item.ref_code}「{item.title}」：存档包 {len(rows)} 个版本")
        for row in rows:
            self.stdout.write(f"第 {row['version']} 版  {row['written']}  {row['path']}")
            for event in row["events"]:
                self.stdout.write(
                    f"    {event.get('eventDateTime', '')}  {event.get('eventType', '')}"
                    f"  {event.get('eventDetail', '')}  {event.get('linkingAgent', '')}"
                )
            if row.get("error"):
                self.stdout.write(f"    （{row['error']}）")

    @staticmethod
    def find_item(ref_code: str) -> Item:
        code = normalise(ref_code)
        item = Item.objects.filter(ref_code=code).first()
        if item is None:
            alias = RefCodeAlias.objects.filter(old_code=code).select_related("item").first()
            item = alias.item if alias else None
        if item is None:
            raise CommandError(
                f"档号 {ref_code} 不存在：请检查档号，或用 lantai fonds list 查看全宗"
            )
        return item
