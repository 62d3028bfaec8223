"""件号 capacity, part of 1-7 (档号规范性检测): will every 档号 this batch needs fit the fonds'
件号 width?

Allocation happens only on acceptance, after every file has been read and checked; a group
that needs 件号 10000 in a fonds whose 件号 has four digits used to pass ``--check-only`` and
fail there, minutes later. So the check phase works the numbers out first, per 档号 group (the
code without its 件号): it replays the batch in order as ``records.ref_codes_for`` allocates —
a row with a 档号 moves the group's counter up to its number, a row without one takes the
next — starting from the archive's counter (``CheckContext.group_max_number``; 0 without a
database), and fails 1-7 naming the group, how many numbers it needs, where the archive
stands and the command that widens the fonds' 件号. A 档号 given in the catalogue whose 件号
is longer than the width gets the same advice.

The group of a row without a 档号 is computed as allocation computes it (门类 and 保管期限
normalised, 年度 from the 年度 column or the 日期); a row whose group cannot be known yet
(a value outside its domain, a part missing) is left to 1-4 and 1-7's own messages.
"""

from __future__ import annotations

import re

from lantai.archive.domains import DomainError, normalise_category, normalise_retention
from lantai.archive.refcode import PARTS, RefCodeError
from lantai.ingest.checks import CheckContext
from lantai.ingest.checks.values import parse_date, value
from lantai.sip.submission import Submission, SubmittedItem

WIDEN_COMMAND = "lantai fonds set {fonds} --number-width {width}"
_TRAILING_NUMBER = re.compile(r"([0-9]+)$")


def widen_advice(fonds: str, width: int) -> str:
    command = WIDEN_COMMAND.format(fonds=fonds or "全宗号", width=width)
    return f"运行 {command} 加宽件号位数（已有档号保持不变）后重新检测"


def allocation_group(item: SubmittedItem, context: CheckContext) -> str | None:
    """The 档号 group a row without a 档号 will be numbered in, or ``None`` if not known yet."""
    defaults = context.defaults
    date = parse_date(item.fields.get("date") or item.fields.get("capture_date") or "")
    try:
        parts = {
            # allocation numbers under the batch's fonds, whatever a row's 全宗号 column says
            "fonds": defaults.get("fonds") or item.fields.get("fonds", ""),
            "category": normalise_category(value(item, "category", defaults)),
            "year": value(item, "year", defaults) or (f"{date.year:04d}" if date else ""),
            "retention": normalise_retention(value(item, "retention", defaults)),
            "org": value(item, "org", defaults),
        }
        if any(not parts.get(name) for name in context.grammar.part_names if name != "number"):
            return None
        return context.grammar.group_of(parts)
    except (DomainError, KeyError):
        return None


def capacity_failures(submission: Submission, context: CheckContext) -> list[str]:
    """One failure per group whose numbers would pass the 件号 width."""
    grammar = context.grammar
    last: dict[str, int] = {}
    needed: dict[str, int] = {}
    start: dict[str, int] = {}
    highest: dict[str, int] = {}
    for item in submission.items:
        if item.ref_code:
            try:
                code = grammar.parse(item.ref_code)
            except RefCodeError:
                continue  # its own 1-7 failure (an over-long 件号 included, see overflow_hint)
            group, number = code.group, code.number
            current = last.get(group, _archive_max(group, context, start))
            last[group] = max(current, number)
        else:
            allocated = allocation_group(item, context)
            if allocated is None:
                continue
            group = allocated
            last[group] = last.get(group, _archive_max(group, context, start)) + 1
            needed[group] = needed.get(group, 0) + 1
        highest[group] = max(highest.get(group, 0), last[group])
    failures = []
    for group in sorted(needed):
        if highest[group] <= grammar.max_number:
            continue
        width = len(str(highest[group]))
        failures.append(
            f"分组「{group}」需新编 {needed[group]} 个件号，馆藏已编到 {start[group]}，"
            f"将编到 {highest[group]}，超出件号位数 {grammar.number_width} 位"
            f"（最大 {grammar.max_number}）：{widen_advice(_fonds(context, group), width)}"
        )
    return failures


def overflow_hint(ref_code: str, context: CheckContext) -> str:
    """Advice for a given 档号 whose 件号 is longer than the width ('' if it is not that)."""
    match = _TRAILING_NUMBER.search(ref_code.strip())
    if not match or len(match.group(1).lstrip("0") or "0") <= context.grammar.number_width:
        return ""
    width = len(match.group(1).lstrip("0"))
    return f"；件号超出 {context.grammar.number_width} 位：{widen_advice(_fonds(context), width)}"


def _archive_max(group: str, context: CheckContext, start: dict[str, int]) -> int:
    if group not in start:
        lookup = context.group_max_number
        start[group] = lookup(group) if lookup is not None else 0
    return start[group]


def _fonds(context: CheckContext, group: str = "") -> str:
    fonds = context.defaults.get("fonds", "")
    if not fonds and group:
        match = re.match(PARTS["fonds"].pattern, group)
        fonds = match.group(0) if match else ""
    return fonds
