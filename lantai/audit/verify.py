"""Verifying the audit log: the chain itself, its anchors outside the table, and the records.

Decisions:

- **Every break is named, not only the first.** After a break the walk resynchronises on the
  stored row (a gap continues at the next row present, an edited row's stored hash is taken as
  the next row's predecessor), so one edit is one break and the rest of the chain is still
  judged on its own.
- **The chain must reach every anchor** (:mod:`lantai.audit.anchors`): a signed checkpoint or a
  package that recorded head ``seq``/``hash`` needs event ``seq`` with that hash in the table. A
  tail cut and the head moved back, or the whole table emptied, is found this way even though
  what is left chains perfectly. A checkpoint line with a bad signature is itself a break.
- **Every item must be explained by at least one event** (its creation or ingest): deleting the
  log while keeping the archive shows as items without events.
- A missing checkpoint file is a warning, not a break: an installation upgraded from before
  checkpoints, or a database restored to another machine, has none until the next change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings

from lantai.audit.anchors import (
    BAG_INFO_KEY,
    Anchor,
    BadLine,
    checkpoint_path,
    parse_bag_info_head,
    read_checkpoints,
)
from lantai.audit.chain import event_hash
from lantai.audit.models import GENESIS, AuditEvent, ChainHead

EXAMPLES = 3  # how many 档号 or bags a break names before "等 N 个"


@dataclass(frozen=True)
class Break:
    """One place where the log no longer proves what happened. ``kind``: ``gap``, ``link``
    (a previous-hash mismatch), ``content``, ``tail`` (the head is ahead of the rows),
    ``checkpoint`` (bad line or unreached checkpoint), ``package`` or ``unrecorded`` (items
    without events)."""

    kind: str
    message: str
    seq: int | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "seq": self.seq, "message": self.message}


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    breaks: list[Break] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [b.seq for b in self.breaks if b.seq is not None]
        return min(seqs) if seqs else None

    @property
    def problem(self) -> str:
        return self.breaks[0].message if self.breaks else ""


def verify() -> VerifyResult:
    """Walk the chain, check it against its anchors and the records; name every break."""
    breaks: list[Break] = []
    warnings: list[str] = []
    checkpoints = _checkpoints(breaks, warnings)
    packages = _package_anchors()
    wanted = {a.seq for a in checkpoints} | {a.seq for group in packages.values() for a in group}
    checked, last_seq, last_hash, found = _walk(breaks, wanted)
    _check_head(breaks, last_seq, last_hash)
    _check_checkpoints(breaks, checkpoints, found, last_seq)
    _check_packages(breaks, packages, found)
    _check_records(breaks)
    breaks.sort(key=lambda b: (b.seq is None, b.seq or 0))
    return VerifyResult(
        checked,
        breaks,
        warnings,
        {"checkpoints": len(checkpoints), "packages": sum(len(g) for g in packages.values())},
    )


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def _walk(breaks: list[Break], wanted: set[int]) -> tuple[int, int, str, dict[int, str]]:
    """The chain walk: returns events checked, the last seq and hash, and the stored hash of
    each ``wanted`` seq that is present."""
    expected_seq, prev_hash, checked, found = 1, GENESIS, 0, {}
    for event in _events():
        linked = True
        if event.seq > expected_seq:
            span = _span(expected_seq, event.seq - 1)
            breaks.append(Break("gap", f"{span}事件缺失（被删除）", expected_seq))
            linked = False  # the predecessor is missing, so its link says nothing more
        if event_hash(event) != event.hash:
            breaks.append(
                Break("content", f"第 {event.seq} 条事件的内容被修改（哈希不符）", event.seq)
            )
        elif linked and event.prev_hash != prev_hash:
            breaks.append(
                Break("link", f"第 {event.seq} 条事件的前一哈希不符（链被改动或重排）", event.seq)
            )
        if event.seq in wanted:
            found[event.seq] = event.hash
        expected_seq, prev_hash, checked = event.seq + 1, event.hash, checked + 1
    return checked, expected_seq - 1, prev_hash, found


def _span(first: int, last: int) -> str:
    return f"第 {first} 条" if first == last else f"第 {first}–{last} 条"


def _check_head(breaks: list[Break], last_seq: int, last_hash: str) -> None:
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    if head is None and last_seq:
        breaks.append(Break("tail", "链头记录缺失（被删除）", None))
    elif head_seq > last_seq:
        breaks.append(
            Break(
                "tail",
                f"链尾不符：链头记录到第 {head_seq} 条，实际只到第 {last_seq} 条（末尾事件被删除）",
                last_seq + 1,
            )
        )
    elif (head_seq, head_hash) != (last_seq, last_hash):
        breaks.append(
            Break("tail", f"链头（第 {head_seq} 条）与最后一条事件（第 {last_seq} 条）不符", None)
        )


def _checkpoints(breaks: list[Break], warnings: list[str]) -> list[Anchor]:
    path = checkpoint_path()
    if not path.exists():
        warnings.append(f"没有检查点文件 {path}：链尾只能凭数据库内的链头核对")
        return []
    anchors = []
    for entry in read_checkpoints(path):
        if isinstance(entry, BadLine):
            breaks.append(Break("checkpoint", f"检查点文件第 {entry.line} 行{entry.problem}"))
        else:
            anchors.append(entry)
    return anchors


def _check_checkpoints(
    breaks: list[Break], checkpoints: list[Anchor], found: dict[int, str], last_seq: int
) -> None:
    beyond = [a for a in checkpoints if a.seq > last_seq]
    if beyond:
        top = max(beyond, key=lambda a: a.seq)
        breaks.append(
            Break(
                "checkpoint",
                f"{top.where}记载审计链已到第 {top.seq} 条，现只到第 {last_seq} 条"
                "（末尾事件被删除，链头被改回）",
                last_seq + 1,
            )
        )
    for anchor in checkpoints:
        if anchor.seq <= last_seq and found.get(anchor.seq) != anchor.hash:
            breaks.append(
                Break(
                    "checkpoint",
                    f"第 {anchor.seq} 条事件与{anchor.where}不符（链被删除或改写）",
                    anchor.seq,
                )
            )


def _package_anchors() -> dict[tuple[int, str], list[Anchor]]:
    """The audit heads recorded in the bags the database registers, grouped by head."""
    component = apps.get_model("archive", "Component")
    bags = {
        "/".join(path.split("/")[:3])
        for path in component.objects.values_list("stored_path", flat=True).iterator()
        if path.startswith("aip/")
    }
    store = Path(settings.STORAGE_DIR)
    groups: dict[tuple[int, str], list[Anchor]] = defaultdict(list)
    for bag in sorted(bags):
        head = _bag_head(store / bag / "bag-info.txt")
        if head is not None and head[0] > 0:
            groups[head].append(Anchor(head[0], head[1], bag))
    return groups


def _bag_head(path: Path) -> tuple[int, str] | None:
    """The audit head in a bag-info file, or None (no such line, or no readable file: a
    missing or damaged bag is the fixity check's finding, not the audit log's)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == BAG_INFO_KEY:
            return parse_bag_info_head(value)
    return None


def _check_packages(
    breaks: list[Break], packages: dict[tuple[int, str], list[Anchor]], found: dict[int, str]
) -> None:
    for (seq, digest), anchors in sorted(packages.items()):
        if found.get(seq) == digest:
            continue
        state = "已不在链中" if seq not in found else "的哈希与之不符"
        breaks.append(
            Break(
                "package",
                f"{len(anchors)} 个存档包（{_examples([a.where for a in anchors])}）"
                f"记载审计链已到第 {seq} 条，"
                f"该事件{state}（链被删除或改写）",
                seq,
            )
        )


def _check_records(breaks: list[Break]) -> None:
    item = apps.get_model("archive", "Item")
    explained = set(
        AuditEvent.objects.filter(object_type=item._meta.label_lower)
        .values_list("object_id", flat=True)
        .distinct()
        .iterator()
    )
    missing = [
        code
        for pk, code in item.objects.order_by("pk").values_list("pk", "ref_code").iterator()
        if str(pk) not in explained
    ]
    if missing:
        breaks.append(
            Break(
                "unrecorded",
                f"{len(missing)} 件档案没有任何审计事件（{_examples(missing)}）："
                "它们的创建或接收记录已被删除",
            )
        )


def _examples(names: list[str]) -> str:
    shown = "、".join(names[:EXAMPLES])
    return shown if len(names) <= EXAMPLES else f"{shown} 等 {len(names)} 个"
