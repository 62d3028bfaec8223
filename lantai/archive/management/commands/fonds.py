from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from lantai.archive.models import Fonds
from lantai.cli_base import LantaiCommand


class Command(LantaiCommand):
    help = "全宗管理：fonds add CODE NAME 建立全宗；fonds list 列出全宗"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="建立全宗（接收进馆前必须先建立）")
        add.add_argument("code", help="全宗号，如 J001")
        add.add_argument("name", help="全宗名称")
        add.add_argument("--template", help="档号模板（默认 DA/T 22 件号格式）")
        add.add_argument("--number-width", type=int, help="件号位数（默认 4）")
        add.add_argument("--private", action="store_true", help="不在公众目录中展示本全宗")
        sub.add_parser("list", help="列出全宗").add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        if options["action"] == "add":
            self.add(options)
        else:
            self.list(options)

    def add(self, options: dict) -> None:
        code = options["code"].strip().upper()
        if Fonds.objects.filter(code=code).exists():
            raise CommandError(f"全宗 {code} 已存在")
        fonds = Fonds(code=code, name=options["name"].strip(), is_public=not options["private"])
        if options["template"]:
            fonds.refcode_template = options["template"]
        if options["number_width"]:
            fonds.number_width = options["number_width"]
        try:
            fonds.full_clean(exclude=["staff"])
        except ValidationError as error:
            raise CommandError(
                "；".join(m for ms in error.message_dict.values() for m in ms)
            ) from None
        with transaction.atomic():
            fonds.save()
        self.stdout.write(
            f"已建立全宗 {fonds.code} {fonds.name}（档号格式：{fonds.grammar.describe()}）"
        )

    def list(self, options: dict) -> None:
        rows = [
            {"code": f.code, "name": f.name, "items": f.items.count(), "public": f.is_public}
            for f in Fonds.objects.all()
        ]
        if options.get("json"):
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(f"{row['code']}\t{row['name']}\t{row['items']} 件")
