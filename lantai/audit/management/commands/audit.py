from __future__ import annotations

import json

from lantai.audit.chain import verify
from lantai.cli_base import LantaiCommand


class Command(LantaiCommand):
    help = "审计日志：verify 校验哈希链（任何行被修改、删除或重排都会被发现）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify：校验哈希链")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options) -> None:
        result = verify()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": result.ok,
                        "checked": result.checked,
                        "first_bad_seq": result.first_bad_seq,
                        "problem": result.problem,
                    },
                    ensure_ascii=False,
                )
            )
        elif result.ok:
            self.stdout.write(f"审计链完好：已校验 {result.checked} 条事件")
        else:
            self.stderr.write(
                f"审计链被破坏：{result.problem}（已校验 {result.checked} 条完好事件）"
            )
        if not result.ok:
            raise SystemExit(1)
