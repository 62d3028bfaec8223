"""``lantai createuser``: the one way to create staff accounts with a role.

A generated initial password is temporary (the operator read it off the console): the user
replaces it at the first sign-in, then enrols TOTP (:mod:`lantai.accounts.passwords`). A password
given on standard input is the user's own (typed by them, or set by provisioning).
"""

from __future__ import annotations

import secrets
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from lantai.accounts.passwords import mark_temporary
from lantai.accounts.roles import ROLES, RoleConflict, assign_role
from lantai.archive.models import Fonds
from lantai.cli_base import LantaiCommand


class Command(LantaiCommand):
    help = "创建账号并授予角色（三员分立：三个管理员角色互斥）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="账号名")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=list(ROLES),
            help="角色（可重复）：" + "、".join(f"{c} {r.title}" for c, r in ROLES.items()),
        )
        parser.add_argument("--fonds", default="", help="分管全宗，逗号分隔，如 J001,J002")
        parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        username = options["username"].strip()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"账号 {username} 已存在")
        codes = [c.strip().upper() for c in options["fonds"].split(",") if c.strip()]
        fonds = list(Fonds.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {f.code for f in fonds})
        if missing:
            raise CommandError(
                "全宗不存在：" + "、".join(missing) + "（先用 lantai fonds add 建立）"
            )
        generated = not options["password_stdin"]
        password = secrets.token_urlsafe(12) if generated else sys.stdin.readline().rstrip("\n")
        try:
            with transaction.atomic():
                user = User.objects.create_user(username, password=password)
                for role in options["role"]:
                    assign_role(user, role)
                for f in fonds:
                    f.staff.add(user)
                if generated:
                    mark_temporary(user, "lantai createuser")
        except (RoleConflict, ValidationError) as error:
            raise CommandError("；".join(error.messages)) from None
        titles = "、".join(ROLES[r].title for r in options["role"])
        self.stdout.write(f"已创建账号 {username}（{titles}）")
        if generated:
            self.stdout.write(
                f"初始密码（只显示这一次，首次登录须改为本人密码并绑定两步验证）：{password}"
            )
