"""``lantai fonds``: add, list, and set (widen) a fonds' 件号 width.

``fonds set J001 --number-width 5`` only widens: 档号 are identifiers, so the codes already
issued keep their width (``…-9999`` stays ``…-9999``); new numbers are written at the new
width (``…-10000``, or ``…-00001`` in a new group). Narrowing is refused, since numbers
already issued may not fit it. The counters are per group and hold plain integers, so they
carry on unchanged, and 1-8 finds a re-sent code at either width (``Grammar.spellings``). The
change is one audit event (``fonds_number_width``) with the old and new width.

``fonds set J001 --review-steps 2`` switches the fonds to the two-step review chain (初审 →
复审); back to 1 is refused while 初审 opinions wait (``Fonds.review_steps_refusal``). One
``fonds_review_steps`` event.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from lantai.archive.models import Fonds
from lantai.audit.chain import record
from lantai.cli_base import LantaiCommand


class Command(LantaiCommand):
    help = (
        "全宗管理：fonds add CODE NAME 建立全宗；fonds list 列出全宗；"
        "fonds set CODE --number-width N 加宽件号位数；"
        "fonds set CODE --review-steps 1|2 一级或两级开放审核"
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="建立全宗（接收进馆前必须先建立）")
        add.add_argument("code", help="全宗号，如 J001")
        add.add_argument("name", help="全宗名称")
        add.add_argument("--template", help="档号模板（默认 DA/T 22 件号格式）")
        add.add_argument("--number-width", type=int, help="件号位数（默认 4）")
        add.add_argument("--private", action="store_true", help="不在公众目录中展示本全宗")
        sub.add_parser("list", help="列出全宗").add_argument("--json", action="store_true")
        change = sub.add_parser("set", help="修改全宗设置：加宽件号位数（已有档号不变）")
        change.add_argument("code", help="全宗号，如 J001")
        change.add_argument("--number-width", type=int, help="新的件号位数（只能加宽，最多 8）")
        change.add_argument(
            "--review-steps",
            type=int,
            choices=(1, 2),
            help="开放审核流程：1 一级审核，2 两级审核（初审 → 复审，由两位审核员完成）",
        )

    def handle(self, *args, **options) -> None:
        if options["action"] == "add":
            self.add(options)
        elif options["action"] == "set":
            self.set(options)
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
        _validate(fonds)
        with transaction.atomic():
            fonds.save()
        self.stdout.write(
            f"已建立全宗 {fonds.code} {fonds.name}（档号格式：{fonds.grammar.describe()}）"
        )

    def set(self, options: dict) -> None:
        if options["number_width"] is None and options["review_steps"] is None:
            raise CommandError("请指定要修改的设置：--number-width N 或 --review-steps 1|2")
        if options["review_steps"] is not None:
            self.set_review_steps(options["code"].strip().upper(), options["review_steps"])
        if options["number_width"] is not None:
            self.set_width(options)

    def set_review_steps(self, code: str, steps: int) -> None:
        with transaction.atomic():
            fonds = Fonds.objects.select_for_update().filter(code=code).first()
            if fonds is None:
                raise CommandError(f"全宗 {code} 不存在：可用 lantai fonds list 查看")
            refusal = fonds.review_steps_refusal(steps)
            if refusal:
                raise CommandError(refusal)
            old = fonds.review_steps
            Fonds.objects.filter(pk=fonds.pk).update(review_steps=steps)
            record("fonds_review_steps", obj=fonds, detail={"from": old, "to": steps})
        label = "两级审核（初审 → 复审）" if steps == 2 else "一级审核"
        self.stdout.write(f"全宗 {code} 的开放审核流程：{label}")

    def set_width(self, options: dict) -> None:
        code, width = options["code"].strip().upper(), options["number_width"]
        with transaction.atomic():
            fonds = Fonds.objects.select_for_update().filter(code=code).first()
            if fonds is None:
                raise CommandError(f"全宗 {code} 不存在：可用 lantai fonds list 查看")
            old = fonds.number_width
            if width == old:
                self.stdout.write(f"全宗 {code} 的件号已是 {old} 位，未作更改")
                return
            if width < old:
                raise CommandError(
                    f"件号位数只能加宽：全宗 {code} 现为 {old} 位，不能改为 {width} 位"
                    "（已编的档号可能超出，且档号是标识符，不能改写）"
                )
            fonds.number_width = width
            _validate(fonds)
            # update(), not save(): one event that says what changed, not a generic "update"
            Fonds.objects.filter(pk=fonds.pk).update(number_width=width)
            record("fonds_number_width", obj=fonds, detail={"from": old, "to": width})
        self.stdout.write(
            f"全宗 {code} 的件号位数已由 {old} 位加宽为 {width} 位："
            f"已有档号保持不变，新编件号为 {width} 位（最大 {fonds.grammar.max_number}）"
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


def _validate(fonds: Fonds) -> None:
    """The model's own validation (template, width, code), as one Chinese line."""
    try:
        fonds.full_clean(exclude=["staff"])
    except ValidationError as error:
        raise CommandError("；".join(m for ms in error.message_dict.values() for m in ms)) from None
