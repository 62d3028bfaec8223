from __future__ import annotations

import json

from django.core.management.base import CommandError

from lantai.audit.digests import check_event
from lantai.audit.verify import verify
from lantai.cli_base import LantaiCommand


class Command(LantaiCommand):
    help = (
        "审计日志：verify 校验哈希链及其外部锚点（检查点文件、存档包、档案记录），"
        "任何行被修改、删除或重排、末尾被截断都会被发现，并列出每一处；"
        "check 序号 字段 取值 核对某事件记录的字段取值（日志只存摘要）"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "action", choices=["verify", "check"], help="verify：校验哈希链；check：核对取值"
        )
        parser.add_argument("check_args", nargs="*", help="check 的参数：序号 字段名 取值")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options) -> None:
        if options["action"] == "check":
            self.check_value(options["check_args"], options["json"])
            return
        result = verify()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": result.ok,
                        "checked": result.checked,
                        "first_bad_seq": result.first_bad_seq,
                        "problem": result.problem,
                        "breaks": [b.as_dict() for b in result.breaks],
                        "warnings": result.warnings,
                        "anchors": result.anchors,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.report(result)
        if not result.ok:
            raise SystemExit(1)

    def report(self, result) -> None:
        for warning in result.warnings:
            self.stderr.write(f"注意：{warning}")
        anchors = result.anchors
        against = f"对照 {anchors['checkpoints']} 个检查点、{anchors['packages']} 个存档包"
        if result.ok:
            self.stdout.write(f"审计链完好：已校验 {result.checked} 条事件，{against}")
            return
        self.stderr.write(
            f"审计链被破坏：共 {len(result.breaks)} 处（已校验 {result.checked} 条事件，{against}）"
        )
        for number, found in enumerate(result.breaks, start=1):
            self.stderr.write(f"  {number}. {found.message}")

    def check_value(self, check_args: list[str], as_json: bool) -> None:
        from lantai.audit.models import AuditEvent

        if len(check_args) != 3 or not check_args[0].isdigit():
            raise CommandError("用法：lantai audit check 序号 字段名 取值（如 42 title 原题名）")
        seq, field, value = int(check_args[0]), check_args[1], check_args[2]
        event = AuditEvent.objects.filter(seq=seq).first()
        if event is None:
            raise CommandError(f"没有第 {seq} 条审计事件")
        outcome = check_event(event, field, value)
        if as_json:
            self.stdout.write(json.dumps({"seq": seq, "field": field, "matches": outcome}))
        elif not outcome:
            self.stdout.write(f"第 {seq} 条事件没有记录字段 {field}")
        else:
            names = {"old": "旧值", "new": "新值", "value": "取值"}
            verdicts = "，".join(
                f"{names[k]}{'一致' if ok else '不一致'}" for k, ok in outcome.items()
            )
            self.stdout.write(f"第 {seq} 条事件的 {field}：{verdicts}")
