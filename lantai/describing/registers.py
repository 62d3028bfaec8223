"""The registers of receiving and opening, printed from the data (issue 15): 移交与接收登记表 and
四性检测报告 of a batch (GB/T 18894, DA/T 70), and the 开放审核登记表 of a period.

They are :class:`~lantai.describing.forms.PrintedForm` like the catalogues, so they print as
XLSX and PDF alike; signature lines are left for the hand where the system cannot know them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from lantai.archive.domains import CATEGORIES, OPEN_STATUSES, RETENTION
from lantai.archive.models import Fonds, Item, TransferBatch
from lantai.describing.forms import SIGN_HERE, Party, PrintedForm

# --- 移交与接收登记表 and 四性检测报告: filled from the batch (GB/T 18894, DA/T 70) -----------

VERDICTS = {True: "通过", False: "未通过", None: "未执行"}
PROPERTY_ORDER = ("真实性", "完整性", "可用性", "安全性")


def person(actor: str) -> str:
    """``user:zhangsan`` → ``zhangsan``; a server-side actor (``system:ingest``) as it is."""
    return actor.removeprefix("user:")


def data_size(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:.2f} GB（{count} 字节）"
    if count >= 1024**2:
        return f"{count / 1024**2:.2f} MB（{count} 字节）"
    return f"{count} 字节"


def _day(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).date().isoformat() if moment else ""


def _contents(batch: TransferBatch) -> str:
    """内容描述: the years, 门类 and 保管期限 the batch's records span."""
    items = Item.objects.filter(batch=batch)
    years = items.values_list("year", flat=True)
    low, high = (min(years), max(years)) if years else (None, None)
    span = "" if low is None else (f"{low}年度" if low == high else f"{low}—{high}年度")
    kinds = Counter(items.values_list("category", flat=True))
    periods = Counter(items.values_list("retention", flat=True))
    parts = [
        span,
        "、".join(f"{CATEGORIES.get(k, k)} {n} 件" for k, n in sorted(kinds.items())),
        "保管期限："
        + "、".join(f"{RETENTION.get(k, k)} {n} 件" for k, n in sorted(periods.items())),
    ]
    return "；".join(p for p in parts if p and not p.endswith("：")) or "（无档案）"


def _property_results(report: list[dict]) -> list[tuple[str, str]]:
    rows = []
    for prop in PROPERTY_ORDER:
        found = Counter(VERDICTS[c.get("passed")] for c in report if c.get("property") == prop)
        if found:
            text = "，".join(
                f"{verdict} {found[verdict]} 项" for verdict in VERDICTS.values() if found[verdict]
            )
            rows.append((f"{prop}检测", text))
    return rows


def transfer_register(batch: TransferBatch, archive_name: str) -> PrintedForm:
    """移交与接收登记表 of one batch: what was handed over, how it was checked, who signs."""
    agency = batch.agency or "（未著录）"
    rows: list[tuple[str, str]] = [
        ("交接工作名称", f"{agency}向{archive_name}移交电子档案"),
        ("批次号", batch.code),
        ("移交批次号", batch.transfer_number or "—"),
        ("全宗", f"{batch.fonds.code} {batch.fonds.name}"),
        ("内容描述", _contents(batch)),
        (
            "移交电子档案数量",
            f"{batch.item_count} 件" + (f"，{batch.volume_count} 卷" if batch.volume_count else ""),
        ),
        ("电子文件数量", f"{batch.file_count} 个"),
        ("移交数据量", data_size(batch.byte_count)),
        ("载体类型", f"在线移交（{batch.source_kind or '—'}）"),
        ("提交包", PurePath(batch.source_name).name or "—"),
        *_property_results(batch.report or []),
        ("接收状态", str(TransferBatch.STATES.get(batch.state, batch.state))),
    ]
    if batch.state == "voided":
        rows.append(("作废", f"{batch.void_decision}：{batch.void_reason}"))
    return PrintedForm(
        name="移交与接收登记表",
        title="电子档案移交与接收登记表",
        columns=["项目", "内容"],
        rows=[list(r) for r in rows],
        widths=[22, 80],
        landscape=False,
        parties=[
            Party(
                "移交单位",
                [
                    ("单位名称", batch.agency),
                    ("填表人（签名）", SIGN_HERE),
                    ("审核人（签名）", SIGN_HERE),
                    ("日期", SIGN_HERE),
                    ("单位（印章）", SIGN_HERE),
                ],
            ),
            Party(
                "接收单位",
                [
                    ("单位名称", archive_name),
                    ("接收人（签名）", person(batch.received_by)),
                    ("审核人（签名）", SIGN_HERE),
                    ("日期", _day(batch.finished_at or batch.created_at)),
                    ("单位（印章）", SIGN_HERE),
                ],
            ),
        ],
    )


REPORT_COLUMNS = ["编号", "性质", "检测项目", "结论", "说明"]
REPORT_WIDTHS = [8, 8, 30, 8, 70]


def check_report(batch: TransferBatch, archive_name: str) -> PrintedForm:
    """四性检测报告 of one batch, item by item as the checks recorded it (DA/T 70)."""
    rows = (
        [
            c.get("code", ""),
            c.get("property", ""),
            c.get("name", ""),
            VERDICTS[c.get("passed")],
            c.get("detail", ""),
        ]
        for c in batch.report or []
    )
    return PrintedForm(
        name="四性检测报告",
        title=(
            f"四性检测报告　批次号：{batch.code}　移交单位：{batch.agency or '（未著录）'}"
            f"　检测日期：{_day(batch.created_at)}"
        ),
        columns=REPORT_COLUMNS,
        rows=rows,
        widths=REPORT_WIDTHS,
        parties=[
            Party(
                archive_name,
                [
                    ("检测人（签名）", person(batch.received_by)),
                    ("审核人（签名）", SIGN_HERE),
                    ("日期", _day(batch.finished_at or batch.created_at)),
                ],
            )
        ],
    )


# --- 开放审核登记表: the decisions of a period, as the reviewers recorded them -----------------

REVIEW_COLUMNS = [
    "序号",
    "档号",
    "题名",
    "年度",
    "审核结论",
    "审核理由",
    "复审日期",
    "移交单位意见",
    "审核人",
    "审核时间",
]
REVIEW_WIDTHS = [6, 24, 40, 6, 10, 30, 10, 20, 12, 16]


def review_register(
    fonds: Fonds, items: Iterable[Item], reviewers: dict[int, str], period: str
) -> PrintedForm:
    """开放审核登记表: ``items`` (decided, scoped and ordered by the caller) with who decided
    each (``reviewers``: item id → actor, from the decision's audit event)."""
    from django.utils import timezone

    def rows() -> Iterator[list[str]]:
        for n, item in enumerate(items, 1):
            decided = item.open_decided_at
            yield [
                str(n),
                item.ref_code,
                item.title,
                str(item.year),
                OPEN_STATUSES.get(item.open_status, item.open_status),
                item.open_reason,
                item.review_again.isoformat() if item.review_again else "",
                item.joint_opinion,
                person(reviewers.get(item.pk, "")),
                timezone.localtime(decided).strftime("%Y-%m-%d %H:%M") if decided else "",
            ]

    return PrintedForm(
        name="开放审核登记表",
        title=f"开放审核登记表　全宗号：{fonds.code}　全宗名称：{fonds.name}　{period}",
        columns=REVIEW_COLUMNS,
        rows=rows(),
        widths=REVIEW_WIDTHS,
        parties=[
            Party(
                "审核",
                [("审核人（签名）", SIGN_HERE), ("审批人（签名）", SIGN_HERE), ("日期", SIGN_HERE)],
            )
        ],
    )
