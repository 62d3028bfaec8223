"""完整性 (integrity) items of DA/T 70, transfer stage.

- 2-1 declared 件数 and 文件数 (说明文件, bag-info) equal what arrived (not performed, like
  2-7, when nothing arrived: 1-12 then returns the empty batch)
- 2-2 declared total bytes (说明文件 or BagIt ``Payload-Oxum``) equal what arrived; not performed
  when nothing is declared
- 2-3 the catalogue has every mandatory column (reading problems)
- 2-4 every mandatory field of every row is filled (per 门类, ``CheckContext.mandatory``)
- 2-6 件号 run gap-free per 档号 group, continuing the archive's last number when
  ``CheckContext.group_max_number`` is given (DA/T 22)
- 2-7 every item has content: at least one file, and no empty file
- 2-11 every file in the package belongs to an item (no unlisted files) and bags are complete
"""

from __future__ import annotations

from collections import defaultdict

from lantai.archive.refcode import RefCodeError
from lantai.ingest.checks import CheckContext, CheckResult, not_performed, result
from lantai.ingest.checks.authenticity import NO_ITEMS
from lantai.ingest.checks.values import parse_int, value
from lantai.sip.submission import Submission, SubmittedItem, field_label


def counts_match(submission: Submission, context: CheckContext) -> CheckResult:
    if not submission.items:
        return not_performed("2-1", NO_ITEMS)
    failures = []
    actual = {"items": len(submission.items), "files": len(submission.files)}
    labels = {"items": "件数", "files": "文件数"}
    for key, count in actual.items():
        declared = submission.declared.get(key)
        if isinstance(declared, int) and declared != count:
            failures.append(f"声明{labels[key]} {declared}，实收 {count}")
    basis = "、".join(f"{labels[k]} {v}" for k, v in actual.items())
    declared = any(isinstance(submission.declared.get(k), int) for k in actual)
    return result("2-1", failures, f"实收{basis}，" + ("与声明相符" if declared else "与目录相符"))


def bytes_match(submission: Submission, context: CheckContext) -> CheckResult:
    declared = submission.declared.get("bytes")
    if not isinstance(declared, int):
        return not_performed("2-2", "说明文件或 bag-info 未声明总字节数")
    actual = submission.total_bytes
    tolerance = int(submission.declared.get("bytes_tolerance", 0) or 0)
    if abs(actual - declared) > tolerance:
        return result("2-2", [f"声明总字节数 {declared}，实收 {actual}"], "")
    return result("2-2", [], f"总字节数 {actual} 与声明相符")


def metadata_elements(submission: Submission, context: CheckContext) -> CheckResult:
    return result("2-3", [], "目录包含全部必备著录项")


def mandatory_fields(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    for item in submission.items:
        category = value(item, "category", context.defaults).upper()
        required = context.mandatory.get(category, context.mandatory.get("*", ()))
        missing = [field_label(k) for k in required if not value(item, k, context.defaults)]
        if missing:
            failures.append(f"{item.where()}必填项为空：{'、'.join(missing)}")
    return result("2-4", failures, "必填著录项目均已填写")


def numbering_continuous(submission: Submission, context: CheckContext) -> CheckResult:
    groups: dict[str, list[int]] = defaultdict(list)
    for item in submission.items:
        key = _group_and_number(item, context)
        if key:
            groups[key[0]].append(key[1])
    failures = []
    for group, numbers in sorted(groups.items()):
        failures += _gaps(group, sorted(numbers), context)
    return result(
        "2-6", failures, f"{len(groups)} 个分组的件号连续" if groups else "无件号，接收时连续生成"
    )


def _group_and_number(item: SubmittedItem, context: CheckContext) -> tuple[str, int] | None:
    if item.ref_code:
        try:
            code = context.grammar.parse(item.ref_code)
        except RefCodeError:
            return None  # reported by 1-7
        return code.group, code.number
    number = parse_int(item.fields.get("number", ""))
    if number is None:
        return None
    parts = ("fonds", "category", "year", "retention", "org")
    return "-".join(value(item, p, context.defaults) for p in parts), number


def _gaps(group: str, numbers: list[int], context: CheckContext) -> list[str]:
    failures = []
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        failures.append(f"分组「{group}」件号重复：{', '.join(map(str, duplicates))}")
    start = numbers[0]
    if context.group_max_number is not None:
        start = context.group_max_number(group) + 1
        if numbers[0] != start:
            failures.append(
                f"分组「{group}」件号应从 {start} 起（馆藏已到 {start - 1}），实从 {numbers[0]} 起"
            )
    missing = sorted(set(range(start, numbers[-1] + 1)) - set(numbers))
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
        failures.append(f"分组「{group}」件号不连续，缺 {shown}")
    return failures


def content_complete(submission: Submission, context: CheckContext) -> CheckResult:
    if not submission.items:
        return not_performed("2-7", NO_ITEMS)
    failures = []
    for item in submission.items:
        if not item.files:
            failures.append(f"{item.where()}没有电子文件")
        failures += [
            f"{item.where()} 文件「{f.name}」是空文件（0 字节）" for f in item.files if f.size == 0
        ]
    return result("2-7", failures, "每个条目都有非空的电子文件")


def package_complete(submission: Submission, context: CheckContext) -> CheckResult:
    failures = [
        f"文件「{name}」不在目录中：请在目录中登记或从移交内容中删除"
        for name in submission.unlisted_files
    ]
    return result("2-11", failures, "移交内容中的每个文件都已在目录中登记")


ITEMS = [
    counts_match,
    bytes_match,
    metadata_elements,
    mandatory_fields,
    numbering_continuous,
    content_complete,
    package_complete,
]
