from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from rich.console import Console
from rich.table import Table

from lantai.cli_base import LantaiCommand
from lantai.ingest.batch import IngestError
from lantai.ingest.engines import startup_lines
from lantai.runtime import demo
from lantai.runtime.server import serve
from lantai.search.tasks import apply_if_free


class Command(LantaiCommand):
    short_lived = False
    help = "建立数据目录、创建各角色演示账号、载入示例档案，并在 127.0.0.1 上启动服务"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")

    def handle(self, *args, **options) -> None:
        console = Console()
        demo.create_fonds()
        accounts = demo.create_accounts()
        try:
            created, decided = demo.load_sample()
        except IngestError as error:
            raise CommandError(str(error)) from None
        apply_if_free()  # index the sample before serving
        console.print(f"数据目录：{settings.DATA_DIR}")
        console.print(f"示例档案：新增 {created} 件，应用开放审核结论 {decided} 条")
        table = Table(title="演示账号（密码只显示这一次，请妥善记录）")
        for column in ("账号", "角色", "密码"):
            table.add_column(column)
        for account in accounts:
            table.add_row(
                account.username, account.role, account.password or "（已存在，不再显示）"
            )
        console.print(table)
        if options["no_serve"]:
            return
        # soft_wrap: a URL or a note cut at 80 columns on a piped console is no use.
        for line in startup_lines():
            console.print(f"提示：{line}", highlight=False, soft_wrap=True)
        base = f"http://127.0.0.1:{options['port']}"
        pages = (
            ("公众门户", "/"),
            ("工作人员登录", "/account/login/"),
            ("著录整理", "/staff/items/"),
            ("开放审核", "/staff/review/"),
        )
        for label, path in pages:
            console.print(f"{label}：{base}{path}", highlight=False, soft_wrap=True)
        console.print(
            "工作人员账号首次登录须绑定 TOTP 验证器（手机验证器应用扫码），之后每次登录输入动态码",
            highlight=False,
            soft_wrap=True,
        )
        log = settings.LOG_DIR / "worker.log"
        console.print(f"按 Ctrl+C 停止；后台任务日志：{log}", highlight=False, soft_wrap=True)
        serve("127.0.0.1", options["port"], threads=8)
