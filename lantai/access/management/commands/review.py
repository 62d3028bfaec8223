from __future__ import annotations

import datetime
import json

from django.core.management.base import CommandError
from django.db import transaction

from lantai.access.review import (
    DECISIONS,
    ReviewError,
    decide,
    propose,
    redact_terms,
    remove_masks,
)
from lantai.archive.models import Item
from lantai.archive.refcode import RefCodeError, normalise, parse
from lantai.cli_base import LantaiCommand


class Command(LantaiCommand):
    help = "开放审核：review decide 档号 open|controlled|closed --reason 理由"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        decide_parser = sub.add_parser("decide", help="记录一条开放审核结论")
        decide_parser.add_argument("ref_code", help="档号，如 J001-WS·2020-Y-BGS-0001")
        decide_parser.add_argument("decision", choices=DECISIONS, help="开放/控制使用/延期开放")
        decide_parser.add_argument("--reason", required=True, help="审核理由（必填）")
        decide_parser.add_argument("--review-again", help="复审日期 YYYY-MM-DD（可选）")
        decide_parser.add_argument(
            "--mask",
            action="append",
            default=[],
            help="遮蔽词语（可重复，在已有遮蔽之外追加）：公众看到的各字段中以［已遮蔽］代替",
        )
        decide_parser.add_argument("--opinion", default="", help="移交单位意见（联合审核）")
        decide_parser.add_argument("--json", action="store_true", help="输出 JSON")
        propose_parser = sub.add_parser("propose", help="建议提前开放审核（进入审核队列）")
        propose_parser.add_argument("ref_code", help="档号")
        propose_parser.add_argument("--reason", required=True, help="建议理由（必填）")
        unmask_parser = sub.add_parser("unmask", help="取消遮蔽（一项审核决定，记入审计）")
        unmask_parser.add_argument("ref_code", help="档号")
        unmask_parser.add_argument(
            "--mask", type=int, action="append", required=True, help="遮蔽编号（可重复）"
        )
        unmask_parser.add_argument("--reason", required=True, help="取消理由（必填）")

    def handle(self, *args, **options) -> None:
        if options["action"] == "propose":
            self.propose(options)
            return
        if options["action"] == "unmask":
            self.unmask(options)
            return
        item = self.find_item(options["ref_code"])
        again = self.parse_date(options.get("review_again"))
        try:
            with transaction.atomic():
                if options["mask"]:
                    item = redact_terms(item, options["mask"], options["reason"])
                item = decide(
                    item, options["decision"], options["reason"], again, options["opinion"]
                )
        except ReviewError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            payload = {"ref_code": item.ref_code, "open_status": item.open_status}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            label = item.get_open_status_display()
            self.stdout.write(f"已记录：{item.ref_code}「{item.title}」→ {label}")

    def propose(self, options: dict) -> None:
        item = self.find_item(options["ref_code"])
        try:
            item = propose(item, options["reason"])
        except ReviewError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已建议提前审核：{item.ref_code}「{item.title}」已进入开放审核队列")

    def unmask(self, options: dict) -> None:
        item = self.find_item(options["ref_code"])
        try:
            item = remove_masks(item, options["mask"], options["reason"])
        except ReviewError as error:
            raise CommandError(str(error)) from None
        left = len(item.active_masks)
        self.stdout.write(f"已取消遮蔽：{item.ref_code}，仍有 {left} 项遮蔽生效")

    def find_item(self, ref_code: str) -> Item:
        item = Item.objects.select_related("fonds").filter(ref_code=normalise(ref_code)).first()
        if item is not None:
            return item
        try:
            parse(ref_code)
        except RefCodeError as error:
            raise CommandError(str(error)) from None
        raise CommandError(f"档号 {ref_code} 不存在")

    @staticmethod
    def parse_date(text: str | None) -> datetime.date | None:
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"复审日期「{text}」无效：应为 YYYY-MM-DD") from None
