from __future__ import annotations

from rich.progress import Progress

from lantai.archive.models import Item
from lantai.cli_base import LantaiCommand
from lantai.search.indexer import rebuild_from_database


class Command(LantaiCommand):
    help = "从数据库重建检索索引（全量索引与公众索引，在旁边新建后原子切换，门户可照常服务）"

    def handle(self, *args, **options) -> None:
        total = Item.objects.count()
        with Progress() as progress:
            bar = progress.add_task("重建索引", total=total or 1)
            stats = rebuild_from_database(lambda n: progress.update(bar, completed=n))
            progress.update(bar, completed=total or 1)
        self.stdout.write(
            f"已重建：{stats.records} 件（其中公众可见 {stats.public_records} 件），"
            f"用时 {stats.seconds:.1f} 秒（{stats.generation}，公众索引 {stats.public_generation}）"
        )
