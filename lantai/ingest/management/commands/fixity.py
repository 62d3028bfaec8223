from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from lantai.archive.models import Component
from lantai.audit.chain import record
from lantai.cli_base import LantaiCommand
from lantai.ingest import storage
from lantai.ingest.fixity import Entry, verify


class Command(LantaiCommand):
    help = "固定性校验：重新计算每个存储文件的 SHA-256/SM3 并与入库记录比对，有不符则非零退出"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档")
        parser.add_argument("--workers", type=int, default=None, help="并行线程数")

    def handle(self, *args, **options) -> None:
        with storage.exclusive():
            storage.recover()
        root = Path(settings.STORAGE_DIR)
        components = Component.objects.only(
            "pk", "original_name", "stored_path", "sha256", "sm3", "size", "item_id"
        )
        # Aggregate in the database: summing in Python would load every row before hashing.
        total_bytes = components.aggregate(total=Sum("size"))["total"] or 0
        by_path: dict[Path, Component] = {}

        def entries():
            for component in components.iterator(2000):
                path = root / component.stored_path
                by_path[path] = component
                expected = {"sha256": component.sha256}
                if component.sm3:
                    expected["sm3"] = component.sm3
                yield Entry(component.stored_path, path, expected, component.size)

        checked, failures = 0, []
        with Progress(
            TextColumn("固定性校验"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            disable=options["json"],
            transient=True,
        ) as bars:
            bar = bars.add_task("fixity", total=total_bytes or 1)
            for result in verify(
                entries(), workers=options["workers"], progress=lambda n: bars.advance(bar, n)
            ):
                component = by_path.pop(result.path)
                checked += 1
                self.record_event(component, result)
                if not result.ok:
                    failures.append(
                        {
                            "file": component.stored_path,
                            "name": component.original_name,
                            "problem": result.error or "摘要不符：" + "、".join(result.mismatched),
                        }
                    )
        self.report(checked, failures, options["json"])
        if failures:
            raise SystemExit(1)

    @staticmethod
    def record_event(component: Component, result) -> None:
        with transaction.atomic():
            record(
                "fixity_check",
                obj=component,
                outcome="success" if result.ok else "failure",
                detail={
                    "item": component.item_id,
                    "error": result.error,
                    "mismatched": result.mismatched,
                },
            )

    def report(self, checked: int, failures: list[dict], as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"checked": checked, "failed": len(failures), "failures": failures},
                    ensure_ascii=False,
                )
            )
            return
        for failure in failures:
            self.stderr.write(f"不符：{failure['file']}（{failure['name']}）— {failure['problem']}")
        verdict = "全部一致" if not failures else f"{len(failures)} 个文件不符"
        self.stdout.write(f"已校验 {checked} 个文件：{verdict}")
