"""``lantai fixity``: every AIP bag and every stored file checked (see ``ingest/storefixity.py``).

Database access is shaped so that a busy writer (``serve``'s worker, an ingest, a web request)
never makes the run fail:

- Components are read in keyset chunks of items, each chunk fetched completely before anything
  is hashed. A cursor left open across the run (``QuerySet.iterator``) pins an SQLite read
  snapshot; once another process commits, this connection can no longer start a write
  (``SQLITE_BUSY_SNAPSHOT``, reported as "database is locked" without waiting), which is how
  the old per-file audit event crashed the run.
- Audit events are written after a chunk is hashed, one transaction per chunk
  (:func:`lantai.audit.chain.record_many`), so a run of a million files is about two thousand
  short writes, each waiting for the lock (the SQLite busy timeout) and retried a few times
  with a back-off if the database stays locked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Sum
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from lantai.archive.models import Component, Item
from lantai.audit.chain import record, record_many
from lantai.cli_base import LantaiCommand
from lantai.ingest import rollback
from lantai.preservation import agreement, storage
from lantai.preservation.fixity import default_workers
from lantai.preservation.packages import refresh_due
from lantai.preservation.storefixity import (
    BagOutcome,
    Break,
    Checked,
    Expected,
    check_bags,
    group_by_bag,
    unregistered,
)

ITEMS_PER_CHUNK = 500
Failure = dict[str, object]  # one broken file as the report and the audit detail show it
WRITE_ATTEMPTS = 5


def write_with_retry(write) -> None:
    """Run ``write`` in a transaction, retrying while the database is locked."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                write()
            return
        except OperationalError as error:
            if "locked" not in str(error).lower() or attempt == WRITE_ATTEMPTS:
                raise
            time.sleep(0.5 * 2**attempt)


class Command(LantaiCommand):
    help = (
        "固定性校验：逐包校验 BagIt（标签清单、载荷清单、Payload-Oxum、多余或链接文件），"
        "并将每个存储文件的 SHA-256/SM3 与入库记录比对，有不符则非零退出"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档")
        parser.add_argument("--workers", type=int, default=None, help="并行线程数")

    def handle(self, *args, **options) -> None:
        with storage.exclusive():
            rollback.recover()
        refresh_due()  # versions a crash or a busy worker left unwritten, before they are checked
        root = Path(settings.STORAGE_DIR)
        # Aggregate in the database: summing in Python would load every row before hashing.
        total_bytes = Component.objects.aggregate(total=Sum("size"))["total"] or 0
        workers = options["workers"] or default_workers()
        checked, bags = 0, 0
        failures: list[Failure] = []
        with Progress(
            TextColumn("固定性校验"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            disable=options["json"],
            transient=True,
        ) as bars:
            bar = bars.add_task("fixity", total=total_bytes or 1)
            for chunk in self.chunks():
                outcomes = list(
                    check_bags(
                        root,
                        group_by_bag(chunk).items(),
                        workers=workers,
                        progress=lambda n: bars.advance(bar, n),
                    )
                )
                write_with_retry(lambda outcomes=outcomes: self.record_events(outcomes))
                for outcome in outcomes:
                    bags += 1
                    checked += len(outcome.checked)
                    failures += [
                        self.component_failure(c, outcome.bag) for c in outcome.checked if not c.ok
                    ]
                    failures += [self.failure(b) for b in outcome.breaks]
        strays = list(unregistered(root, self.registered_bags))
        if strays:
            write_with_retry(lambda: self.record_strays(strays))
            failures += [self.failure(b) for b in strays]
        disagreements = list(agreement.check(root))
        if disagreements:
            write_with_retry(lambda: self.record_disagreements(disagreements))
            failures += [
                {
                    "file": p.file,
                    "name": p.name,
                    "problem": p.problem,
                    "bag": p.file,
                    "problems": [p.problem],
                }
                for p in disagreements
            ]
        self.report(checked, bags, failures, options["json"])
        if failures:
            raise SystemExit(1)

    @staticmethod
    def chunks() -> Iterator[list[Expected[Component]]]:
        """Components, ``ITEMS_PER_CHUNK`` items at a time, each chunk read completely."""
        components = Component.objects.only(
            "pk", "original_name", "stored_path", "sha256", "sm3", "size", "item_id"
        )
        last = 0
        while True:
            items = list(
                components.filter(item_id__gt=last)
                .order_by("item_id")
                .values_list("item_id", flat=True)
                .distinct()[:ITEMS_PER_CHUNK]
            )
            if not items:
                return
            last = items[-1]
            yield [
                Expected(c.stored_path, c.original_name, c.sha256, c.sm3, c.size, key=c)
                for c in components.filter(item_id__in=items).order_by("pk")
            ]

    @staticmethod
    def registered_bags(batch: str) -> set[str]:
        paths = Component.objects.filter(item__batch__code=batch).values_list(
            "stored_path", flat=True
        )
        prefix = f"aip/{batch}/"
        return {prefix + p[len(prefix) :].split("/", 1)[0] for p in paths if p.startswith(prefix)}

    @staticmethod
    def record_events(outcomes: list[BagOutcome[Component]]) -> None:
        good: list[tuple[Component, dict[str, object]]] = []
        bad: list[tuple[Component, dict[str, object]]] = []
        broken_bags: dict[int, BagOutcome[Component]] = {}
        for outcome in outcomes:
            for result in outcome.checked:
                component = result.expected.key
                detail = {
                    "item": component.item_id,
                    "bag": outcome.bag,
                    "error": "；".join(result.problems) or None,
                    "mismatched": result.mismatched,
                }
                (good if result.ok else bad).append((component, detail))
            if outcome.breaks and outcome.checked:
                broken_bags[outcome.checked[0].expected.key.item_id] = outcome
        record_many("fixity_check", good, outcome="success")
        record_many("fixity_check", bad, outcome="failure")
        # A break in a bag's own files (metadata, bag-info, manifests) is the item's event.
        items = Item.objects.only("pk", "ref_code", "title").in_bulk(list(broken_bags))
        record_many(
            "fixity_check",
            [
                (
                    items[pk],
                    {
                        "item": pk,
                        "bag": outcome.bag,
                        "breaks": [{"file": b.file, "problem": b.problem} for b in outcome.breaks],
                    },
                )
                for pk, outcome in broken_bags.items()
                if pk in items
            ],
            outcome="failure",
        )

    @staticmethod
    def record_strays(strays: list[Break]) -> None:
        _record_failures(
            "ingest.aip", [(b.file, {"bag": b.bag, "error": b.problem}) for b in strays]
        )

    @staticmethod
    def record_disagreements(problems: list[agreement.Problem]) -> None:
        _record_failures(
            "preservation.packageversion",
            [(p.file, {"item": p.name, "error": p.problem}) for p in problems],
        )

    @staticmethod
    def component_failure(result: Checked[Component], bag: str) -> Failure:
        return {
            "file": result.expected.stored_path,
            "name": result.expected.name,
            "problem": "；".join(result.problems),
            "bag": bag,
            "problems": result.problems,
        }

    @staticmethod
    def failure(broken: Break) -> Failure:
        return {
            "file": broken.file,
            "name": broken.name,
            "problem": broken.problem,
            "bag": broken.bag,
            "problems": broken.problems,
        }

    def report(self, checked: int, bags: int, failures: list[Failure], as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "checked": checked,
                        "failed": len(failures),
                        "failures": failures,
                        "bags": bags,
                    },
                    ensure_ascii=False,
                )
            )
            return
        for failure in failures:
            self.stderr.write(f"不符：{failure['file']}（{failure['name']}）— {failure['problem']}")
        verdict = "全部一致" if not failures else f"{len(failures)} 处不符"
        self.stdout.write(f"已校验 {bags} 个包、{checked} 个文件：{verdict}")


def _record_failures(object_type: str, failures: list[tuple[str, dict]]) -> None:
    """One failed ``fixity_check`` event per stored path that no Component stands for."""
    for path, detail in failures:
        record(
            "fixity_check",
            object_type=object_type,
            object_id=path[:64],
            object_repr=path,
            outcome="failure",
            detail=detail,
        )
