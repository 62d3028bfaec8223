"""``createsuperuser`` is refused: Lantai has no all-powerful account (三员分立).

A superuser would hold system, security and audit administration and every fonds at once,
which 三员分立 forbids; accounts are created with a role instead. The access app is listed
before ``django.contrib.auth`` so this command replaces Django's.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lantai.accounts.roles import ROLES


class Command(BaseCommand):
    help = "已停用：兰台不设超级用户，请用 lantai createuser --role 创建账号"

    def add_arguments(self, parser) -> None:
        # Accept (and ignore) Django's options so the refusal, not an argument error, is shown.
        parser.add_argument("args", nargs="*")
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--database")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options) -> None:
        roles = "、".join(f"{code}（{role.title}）" for code, role in ROLES.items())
        raise CommandError(
            "兰台不设超级用户（三员分立：系统管理、安全保密管理、安全审计由三个账号分别担任）。"
            f"请用 lantai createuser 账号名 --role 角色 创建账号，可用角色：{roles}；"
            "档案员和审核员再加 --fonds 全宗号。"
        )
