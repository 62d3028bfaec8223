"""四性检测 (DA/T 70-2018), transfer stage (移交与接收环节): run every automatable item.

One module per property (``authenticity``, ``integrity``, ``usability``, ``security``), each
with an ``ITEMS`` list of small functions ``(submission, context) -> CheckResult``. Results carry
the DA/T 70 code (``1-x`` 真实性, ``2-x`` 完整性, ``3-x`` 可用性, ``4-x`` 安全性) and the Chinese
name, as ``lantai ingest --json`` reports them.

Design decisions:

- ``passed`` is ``True``, ``False`` or ``None`` (*not performed*: no ClamAV, no digests given).
  Not performed is never reported as passed; a batch is accepted when no item failed
  (:func:`accepted`), and the report shows what was not performed. An archive may make items
  mandatory (``CheckContext.required``, e.g. the virus checks with ``--require-virus-check``):
  a mandatory item not performed stays *not performed* in the report — it was not done, it did
  not fail — but the batch is returned, and the item's detail says what is needed.
- Problems found while reading (a catalogue in the wrong encoding, ``../x``) carry the code of
  the item they fail; :func:`run_checks` folds them into that item's result, so the report is
  one list and nothing found while reading is lost.
- Everything that needs the database comes in through :class:`CheckContext` as plain values and
  callables, so this package stays free of Django and fast to test.
- Digests are computed once per file, in parallel (``fixity.digest_files``), before the items
  run; they are kept on each ``SubmittedFile.computed`` so the AIP writer can prove that what it
  stored is what was checked.
- Details name the catalogue row, the file and the field, at most ``MAX_LISTED`` of them and then
  a count, so a report on 10 000 bad rows stays readable.
- Manual items (carrier inspection, 4-4…4-7) are recorded by an operator with
  :func:`manual_result` and passed in ``context.manual``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from lantai.archive.refcode import DEFAULT_GRAMMAR, Grammar
from lantai.preservation.registry import PRESERVATION_FORMATS
from lantai.sip.submission import Submission

PROPERTIES = {"1": "真实性", "2": "完整性", "3": "可用性", "4": "安全性"}

# DA/T 70 item names (reference §1.1; the transfer stage repeats them). 4-8 and 4-9 are Lantai
# additions for package safety, numbered after the standard's last security item.
NAMES = {
    "1-1": "固化信息有效性检测",
    "1-3": "元数据项数据类型、格式检测",
    "1-4": "设定值域的元数据项值域符合度检测",
    "1-5": "元数据项数据值合理性检测",
    "1-6": "元数据项数据包含特殊字符检测",
    "1-7": "档号规范性检测",
    "1-8": "元数据项数据重复性检测",
    "1-10": "电子文件内容数据电子属性一致性检测",
    "1-11": "元数据与内容关联真实性检测",
    "1-12": "信息包目录结构、说明文件和目录文件规范性检测",
    "2-1": "电子文件总件数相符性检测",
    "2-2": "总字节数相符性检测",
    "2-3": "元数据项完整性检测",
    "2-4": "元数据必填著录项目检测",
    "2-6": "连续性元数据项检测",
    "2-7": "电子文件内容完整性检测",
    "2-11": "信息包内容数据完整性检测",
    "3-1": "信息包中元数据的可读性检测",
    "3-3": "内容数据格式检测（通用格式）",
    "3-4": "内容数据的可读性检测",
    "3-8": "信息包中包含的内容数据格式合规性检测",
    "4-1": "系统环境中是否安装杀毒软件检测",
    "4-2": "病毒检测",
    "4-3": "载体中多余文件检测",
    "4-4": "载体读取速度检测",
    "4-5": "载体外观检测",
    "4-6": "光盘合格性检测",
    "4-7": "移交过程安全性检测",
    "4-8": "信息包结构安全性检测（路径、链接、设备文件、压缩炸弹）",
    "4-9": "可执行程序与宏代码检测",
}
VIRUS_ITEMS = frozenset({"4-1", "4-2"})
MAX_LISTED = 20

# GB/T 18894-2016 archival formats accepted by default (keys from ``formats.identify``): the
# format registry's preservation formats, so ingest and the holdings report agree.
DEFAULT_ALLOWED_FORMATS = PRESERVATION_FORMATS
# Mandatory fields per 门类 (2-4); ``*`` applies to every other category.
DEFAULT_MANDATORY = {
    "WY": ("title", "url", "capture_date"),
    "*": ("title", "creator", "date", "retention"),
}


@dataclass(frozen=True)
class CheckResult:
    code: str
    property: str
    name: str
    passed: bool | None
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


Holder = tuple[str, str]  # (档号, source URL) of a stored original


@dataclass
class CheckContext:
    """What the checks need from outside: the database's answers as plain values/callables.

    ``existing_ref_codes(codes)`` returns those of ``codes`` already in the archive.
    ``existing_digests(sha256s)`` maps those of the SHA-256 digests already held as a stored
    original of the fonds to the (档号, source URL) pairs holding it, lowest 档号 first (1-8:
    a re-upload is a duplicate).
    ``group_max_number(group)`` returns the highest 件号 already allocated in a 档号 group
    (0 if none); when absent, continuity (2-6) is checked inside the batch only.
    ``defaults`` are batch-level field values (``fonds`` from ``--fonds``, a 门类) used where
    a row has none. ``clamd`` is ``"/path/to/clamd.ctl"`` or ``"host:port"``; ``None`` tries the
    usual local sockets. ``manual`` holds operator-recorded results (:func:`manual_result`).
    """

    grammar: Grammar = DEFAULT_GRAMMAR
    existing_ref_codes: Callable[[Iterable[str]], set[str]] = lambda codes: set()
    existing_digests: Callable[[Iterable[str]], dict[str, list[Holder]]] = lambda digests: {}
    group_max_number: Callable[[str], int] | None = None
    allowed_formats: frozenset[str] = DEFAULT_ALLOWED_FORMATS
    mandatory: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_MANDATORY))
    defaults: dict[str, str] = field(default_factory=dict)
    clamd: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    manual: list[CheckResult] = field(default_factory=list)
    workers: int = 4
    # Items that must be performed for the batch to be accepted (see module docstring).
    required: frozenset[str] = frozenset()


def result(code: str, failures: list[str], ok: str, *, notes: Iterable[str] = ()) -> CheckResult:
    """A result from a list of failure descriptions (empty = passed)."""
    if failures:
        shown = failures[:MAX_LISTED]
        more = f"；另有 {len(failures) - MAX_LISTED} 处" if len(failures) > MAX_LISTED else ""
        detail = "；".join(shown) + more
    else:
        detail = "；".join([ok, *notes])
    return make(code, not failures, detail)


def make(code: str, passed: bool | None, detail: str) -> CheckResult:
    return CheckResult(code, PROPERTIES[code.split("-")[0]], NAMES[code], passed, detail)


def not_performed(code: str, why: str) -> CheckResult:
    return make(code, None, "未执行：" + why)


def manual_result(code: str, passed: bool, note: str, operator: str) -> CheckResult:
    """An operator's record of a manual item (e.g. 4-5 载体外观检测)."""
    if code not in NAMES:
        raise ValueError(f"未知的检测项目代码「{code}」")
    verdict = "通过" if passed else "未通过"
    return make(code, passed, f"人工检测（{operator}）：{verdict}。{note}".rstrip("。") + "。")


def run_checks(submission: Submission, context: CheckContext | None = None) -> list[CheckResult]:
    """Run every automatable item, fold in reading problems and manual results; in code order."""
    from lantai.ingest.checks import authenticity, integrity, security, usability

    items = [
        check for module in (authenticity, integrity, usability, security) for check in module.ITEMS
    ]
    return run_items(submission, items, context)


Check = Callable[[Submission, CheckContext], CheckResult]


def run_items(
    submission: Submission, items: Iterable[Check], context: CheckContext | None = None
) -> list[CheckResult]:
    """Run the given items only (数字化挂接 checks content, not a catalogue), the same way."""
    from lantai.preservation.fixity import digest_files

    context = context or CheckContext()
    digest_files(submission, workers=context.workers)
    results = [check(submission, context) for check in items]
    results = _fold_problems(submission, results) + list(context.manual)
    results = [_mark_required(r, context.required) for r in results]
    return sorted(results, key=lambda r: tuple(int(p) for p in r.code.split("-")))


REQUIRED_NOTE = {
    "4-1": "本馆要求必须进行病毒检测（--require-virus-check / LANTAI_REQUIRE_VIRUS_CHECK）："
    "需要安装并启动 ClamAV（clamd，可用 LANTAI_CLAMD 指定地址）后重新检测，本批因此退回",
    "4-2": "病毒检测为必检项目，未能执行：需要 ClamAV（clamd），本批因此退回",
}


def _mark_required(item: CheckResult, required: frozenset[str]) -> CheckResult:
    if item.passed is not None or item.code not in required:
        return item
    note = REQUIRED_NOTE.get(item.code, "本项为必检项目，未能执行，本批因此退回")
    return make(item.code, None, f"{item.detail}。{note}")


def _fold_problems(submission: Submission, results: list[CheckResult]) -> list[CheckResult]:
    by_code: dict[str, list[str]] = {}
    for problem in submission.problems:
        by_code.setdefault(problem.code if problem.code in NAMES else "1-12", []).append(
            str(problem)
        )
    folded = []
    for item in results:
        extra = by_code.pop(item.code, [])
        if extra:
            earlier = [item.detail] if item.passed is False else []
            item = result(item.code, extra + earlier, "")
        folded.append(item)
    folded += [result(code, messages, "") for code, messages in by_code.items()]
    return folded


def accepted(results: Iterable[CheckResult], required: Iterable[str] = ()) -> bool:
    """A batch is accepted when no item failed (not performed does not fail it) and every
    ``required`` item was performed."""
    required = frozenset(required)
    return all(
        r.passed is not False and not (r.passed is None and r.code in required) for r in results
    )
