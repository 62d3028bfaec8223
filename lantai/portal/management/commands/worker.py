from __future__ import annotations

from django.core.management import call_command

from lantai.cli_base import LantaiCommand


class Command(LantaiCommand):
    applies_search_at_exit = False
    help = "启动一个任务 worker（从数据库任务队列取任务执行；可在多台机器上各启动若干个）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完队列中现有任务后退出")

    def handle(self, *args, **options) -> None:
        call_command("db_worker", batch=options["batch"], verbosity=options["verbosity"])
