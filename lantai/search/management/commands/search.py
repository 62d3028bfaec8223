from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError
from rich.console import Console
from rich.table import Table

from lantai.cli_base import LantaiCommand
from lantai.search import RebuildRequired, SearchResult
from lantai.search.service import search_as_operator, search_for
from lantai.search.tasks import apply_if_free


class Command(LantaiCommand):
    help = '全文检索：search "查询" [--as public|staff] [--limit N] [--json]；批量 --batch FILE'

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "query", nargs="?", help='查询，如：疫情 防控 -草稿 "减租减息" date:2019..2021'
        )
        parser.add_argument(
            "--as",
            dest="persona",
            choices=["public", "staff"],
            default="public",
            help="以公众（默认，仅开放档案）或工作人员（全部档案）身份检索",
        )
        parser.add_argument("--limit", type=int, default=10, help="返回条数（默认 10，最多 100）")
        parser.add_argument("--page", type=int, default=1, help="页码")
        parser.add_argument("--sort", choices=["relevance", "date"], default="relevance")
        parser.add_argument(
            "--batch", type=Path, help="JSONL 文件，每行 {id, text}；输出每行 {id, hits}"
        )
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def run_query(self, text: str, options: dict) -> SearchResult:
        kwargs = {
            "page": options["page"],
            "per_page": max(1, min(options["limit"], 100)),
            "sort": options["sort"],
        }
        try:
            if options["persona"] == "staff":
                return search_as_operator(text, **kwargs)
            from django.contrib.auth.models import AnonymousUser

            return search_for(AnonymousUser(), text, **kwargs)
        except RebuildRequired as error:
            raise CommandError(f"检索索引需要重建：{error}（请运行 lantai reindex）") from None

    def handle(self, *args, **options) -> None:
        # Catch up first: a crashed ingest can leave committed outbox rows nobody applied, and
        # the first search after it must not answer 0 (issue 13).
        apply_if_free()
        if options["batch"]:
            self.run_batch(options)
        elif options["query"] is None:
            raise CommandError('请给出查询，例如：lantai search "疫情防控"')
        else:
            result = self.run_query(options["query"], options)
            if options["json"]:
                self.stdout.write(json.dumps(result.as_json(detail=True), ensure_ascii=False))
            else:
                self.print_table(options["query"], result)

    def run_batch(self, options: dict) -> None:
        path: Path = options["batch"]
        if not path.is_file():
            raise CommandError(f"批量查询文件不存在：{path}")
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    query_id, text = entry["id"], str(entry["text"])
                except (ValueError, KeyError, TypeError):
                    raise CommandError(f"{path} 第 {number} 行不是 {{id, text}} JSON") from None
                hits = [hit.as_dict() for hit in self.run_query(text, options).hits]
                sys.stdout.write(
                    json.dumps({"id": query_id, "hits": hits}, ensure_ascii=False) + "\n"
                )

    def print_table(self, query: str, result: SearchResult) -> None:
        console = Console()
        table = Table(
            title=f"“{query}” {'约' if result.estimated else '共'} {result.total} 条"
            + ("（放宽匹配）" if result.relaxed else "")
        )
        for column in ("档号", "题名", "日期", "摘要"):
            table.add_column(column)
        for hit in result.hits:
            snippet = hit.snippet.replace("<mark>", "[bold red]").replace("</mark>", "[/]")
            table.add_row(hit.ref_code, hit.title, hit.date or "", snippet)
        console.print(table)
