from __future__ import annotations

from lantai.cli_base import LantaiCommand
from lantai.ingest.engines import startup_lines
from lantai.runtime.server import serve


def catch_up() -> None:
    """What a crashed ingest left: undo a batch still receiving, publish an accepted one's
    bags, and have the worker index committed outbox rows nobody applied (issue 13)."""
    from lantai.ingest import rollback
    from lantai.search import outbox

    rollback.recover_if_idle()
    outbox.schedule_pending()


class Command(LantaiCommand):
    short_lived = False
    help = "启动生产 Web 服务（waitress）及一个任务 worker"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--threads", type=int, default=8, help="处理线程数（默认 8）")
        parser.add_argument("--no-worker", action="store_true", help="不启动任务 worker")

    def handle(self, *args, **options) -> None:
        catch_up()
        for line in startup_lines():
            self.stdout.write(f"提示：{line}")
        self.stdout.write(
            f"兰台服务已启动：http://{options['host']}:{options['port']}/ （Ctrl+C 停止）"
        )
        serve(options["host"], options["port"], options["threads"], not options["no_worker"])
