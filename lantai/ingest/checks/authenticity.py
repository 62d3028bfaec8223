"""真实性 (authenticity) items of DA/T 70, transfer stage.

- 1-1 digests given in the catalogue or manifest match the files (not performed when none given)
- 1-3 data type/format of dates, 页数, 年度, 件号, 文件大小
- 1-4 value domains: 保管期限, 门类, 密级 (``lantai.archive.domains``)
- 1-5 plausibility: no future dates, 年度 agrees with 日期, 页数 positive
- 1-6 no control characters, U+FFFD, private use or unassigned code points in metadata, and
  no value that looks like mojibake as a whole (``characters.py``; one 生僻字 passes)
- 1-7 档号 well-formed per the fonds' grammar, or enough given to allocate one, and every
  number the batch needs fits the fonds' 件号 width (``numbering.py``)
- 1-8 no duplicate 档号 (in the batch or the archive), 文号, or file shared by two items; no
  file whose content (SHA-256) is already held in the fonds or appears twice in the batch — an
  exact re-upload of an accepted transfer would otherwise be numbered and stored again
- 1-10 recorded size and format agree with the bitstream; the extension agrees with the format
- 1-11 every catalogue row is linked to files that exist (reading problems); not performed
  when there are no items
- 1-12 package structure: catalogue, 说明文件, BagIt structure (reading problems); a package
  with no items fails here, so an empty batch is returned
"""

from __future__ import annotations

from collections import Counter

from lantai.archive.domains import (
    DomainError,
    normalise_category,
    normalise_classification,
    normalise_retention,
)
from lantai.archive.refcode import RefCodeError, normalise
from lantai.ingest.checks import CheckContext, CheckResult, not_performed, result
from lantai.ingest.checks.characters import mojibake
from lantai.ingest.checks.numbering import capacity_failures, overflow_hint
from lantai.ingest.checks.values import parse_date, parse_int, special_characters, value, where
from lantai.preservation.fixity import _matches
from lantai.sip.formats import EXTENSIONS, identify
from lantai.sip.submission import Submission, SubmittedItem


def digests_match(submission: Submission, context: CheckContext) -> CheckResult:
    failures, checked = [], 0
    for item in submission.items:
        for f in item.files:
            for algorithm, expected in f.declared.items():
                checked += 1
                if not _matches(f.computed, algorithm, expected):
                    failures.append(
                        f"{item.where()} 文件「{f.name}」的 {algorithm.upper()} 摘要不符："
                        f"登记为 {expected}，实为 {_actual(f.computed, algorithm)}"
                    )
    if not checked:
        return not_performed("1-1", "移交目录或清单未提供数字摘要")
    return result("1-1", failures, f"{checked} 个数字摘要全部相符")


def _actual(computed: dict[str, str], algorithm: str) -> str:
    return computed.get(algorithm.split("|")[0]) or computed.get("error", "无法计算")


def value_formats(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    for item in submission.items:
        for key in ("date", "capture_date"):
            text = item.fields.get(key)
            if text and parse_date(text) is None:
                failures.append(
                    f"{where(item, key)}「{text}」不是有效日期："
                    "应写如 2020-03-05、2020年3月5日 或 2020"
                )
        for key in ("pages", "number", "size"):
            text = item.fields.get(key)
            if text and parse_int(text) is None:
                failures.append(f"{where(item, key)}「{text}」应为整数")
        year = item.fields.get("year")
        if year and (parse_int(year) is None or len(year.strip()) != 4):
            failures.append(f"{where(item, 'year')}「{year}」应为四位年份")
    return result("1-3", failures, "日期、页数、年度、件号等格式正确")


def value_domains(submission: Submission, context: CheckContext) -> CheckResult:
    checks = (
        ("retention", normalise_retention),
        ("category", normalise_category),
        ("classification", normalise_classification),
    )
    failures = []
    for item in submission.items:
        for key, normaliser in checks:
            text = item.fields.get(key)
            if not text:
                continue
            try:
                normaliser(text)
            except DomainError as error:
                failures.append(f"{item.where()}：{error}")
    return result("1-4", failures, "保管期限、门类、密级均在值域内")


def plausible_values(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    for item in submission.items:
        for key in ("date", "capture_date"):
            date = parse_date(item.fields.get(key, ""))
            if date and date.earliest() > context.today:
                failures.append(f"{where(item, key)}「{date.iso()}」晚于今天")
            elif date and date.year < 1000:
                failures.append(f"{where(item, key)}「{date.iso()}」早于公元 1000 年，请核对")
        date, year = parse_date(item.fields.get("date", "")), parse_int(item.fields.get("year", ""))
        if date and year and date.year != year:
            failures.append(f"{where(item, 'year')}「{year}」与日期「{date.iso()}」的年份不一致")
        pages = parse_int(item.fields.get("pages", ""))
        if pages is not None and pages == 0:
            failures.append(f"{where(item, 'pages')}为 0：页数应至少为 1")
    return result("1-5", failures, "日期不晚于今天，年度与日期一致，页数合理")


def no_special_characters(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    for item in submission.items:
        for key, text in item.fields.items():
            found = special_characters(text)
            if found:
                failures.append(
                    f"{where(item, key)}含控制字符或乱码字符 {'、'.join(found)}"
                    "（目录可能以错误的编码读取，请另存为 UTF-8 后重新移交）"
                )
            unlikely = mojibake(text)
            if unlikely:
                shown = "、".join(unlikely[:8]) + (" 等" if len(unlikely) > 8 else "")
                failures.append(
                    f"{where(item, key)}「{text[:30]}」疑为乱码，含不常见字符 {shown}："
                    "请核对目录文件的编码（如 Big5 与 GBK 混用），另存为 UTF-8 后重新移交"
                )
    return result("1-6", failures, "元数据不含控制字符、乱码字符或疑似乱码")


def ref_codes_well_formed(submission: Submission, context: CheckContext) -> CheckResult:
    failures, given = [], 0
    for item in submission.items:
        if item.ref_code:
            given += 1
            try:
                context.grammar.parse(item.ref_code)
            except RefCodeError as error:
                hint = overflow_hint(item.ref_code, context)
                failures.append(f"{item.where()}：{error}{hint}")
        else:
            missing = _missing_for_allocation(item, context)
            if missing:
                failures.append(f"{item.where()}未填档号，且缺少生成档号所需的{missing}：请补充")
    failures += capacity_failures(submission, context)
    ok = f"{given} 个档号符合「{context.grammar.describe()}」" if given else "档号将在接收时生成"
    return result("1-7", failures, ok)


def _missing_for_allocation(item: SubmittedItem, context: CheckContext) -> str:
    from lantai.archive.refcode import PARTS

    have = {
        "fonds": value(item, "fonds", context.defaults),
        "category": value(item, "category", context.defaults),
        "year": value(item, "year", context.defaults) or item.fields.get("date", "")[:4],
        "retention": value(item, "retention", context.defaults),
        "org": value(item, "org", context.defaults),
        "number": "1",  # allocated
    }
    absent = [PARTS[n].label for n in context.grammar.part_names if not have.get(n, "x")]
    return "、".join(f"「{label}」" for label in absent)


LOOKUP = 5000  # codes per existing_ref_codes call (a database IN list; SQLite caps variables)


def no_duplicates(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    codes = {normalise(i.ref_code): i for i in submission.items if i.ref_code}
    counted = Counter(normalise(i.ref_code) for i in submission.items if i.ref_code)
    failures += [f"档号「{code}」在本批中出现 {n} 次" for code, n in counted.items() if n > 1]
    # The archive may hold the same 件号 at an older width (see Grammar.spellings).
    spelled = {other: code for code in codes for other in _spellings(code, context)}
    names = list(spelled)
    held_codes = set().union(
        *(context.existing_ref_codes(names[i : i + LOOKUP]) for i in range(0, len(names), LOOKUP))
    )
    for held in sorted(held_codes):
        code = spelled[held]
        same = "" if held == code else f"（馆藏档号「{held}」，件号位数不同，件号相同）"
        failures.append(f"{codes[code].where()}档号「{code}」已在馆藏中存在{same}")
    numbers = Counter(
        (i.fields["doc_number"], i.fields.get("creator", ""))
        for i in submission.items
        if i.fields.get("doc_number")
    )
    failures += [f"文号「{n}」在本批中出现 {c} 次" for (n, _), c in numbers.items() if c > 1]
    files = Counter(f.name for f in submission.files)
    failures += [f"文件「{name}」被 {c} 个条目引用" for name, c in files.items() if c > 1]
    duplicates, notes = _duplicate_contents(submission, context)
    failures += duplicates
    return result("1-8", failures, "档号、文号、文件及文件内容均无重复", notes=notes)


def _spellings(code: str, context: CheckContext) -> list[str]:
    try:
        return context.grammar.spellings(code)
    except RefCodeError:
        return [code]


def _duplicate_contents(
    submission: Submission, context: CheckContext
) -> tuple[list[str], list[str]]:
    """(failures, notes) for files whose SHA-256 is already held in the fonds, or shared by two
    files of the batch.

    Web captures are compared by address as well as content: a site serving one page at two
    addresses (``/`` and ``/index.html``) is captured twice with the same bytes, and both
    captures are evidence, so that is a note; the same content at the *same* address already
    held (a re-sent WARC) is a duplicate. Empty files are left to 2-7 (they all share one
    digest); a file whose digest could not be computed is left to 3-4."""
    seen: dict[str, list[tuple[SubmittedItem, str]]] = {}
    failures, notes = [], []
    for item in submission.items:
        for f in item.files:
            digest = f.computed.get("sha256")
            if not digest or f.size == 0:
                continue
            for other_item, other in seen.get(digest, []):
                same = (
                    f"{item.where()} 文件「{f.name}」与{other_item.where()} 文件「{other}」"
                    "内容完全相同"
                )
                if _url(item) and _url(other_item) and _url(item) != _url(other_item):
                    notes.append(same + "（不同网址的网页采集，均予接收）")
                else:
                    failures.append(same + "：同一文件不应重复移交")
            seen.setdefault(digest, []).append((item, f.name))
    held = context.existing_digests(list(seen))
    for digest, holders in sorted(held.items(), key=lambda pair: pair[1][0][0]):
        for item, name in seen[digest]:
            matching = [code for code, url in holders if not _url(item) or url == _url(item)]
            if matching:
                failures.append(
                    f"{item.where()} 文件「{name}」已在馆藏中（档号「{matching[0]}」，SHA-256 "
                    f"{digest[:12]}…）：是重复移交，请从提交包中删除"
                )
    return failures, notes


def _url(item: SubmittedItem) -> str:
    return item.fields.get("url", "")


def file_properties_match(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    for item in submission.items:
        declared_size = parse_int(item.fields.get("size", ""))
        actual = sum(f.size for f in item.files)
        if declared_size is not None and item.files and declared_size != actual:
            failures.append(
                f"{where(item, 'size')}登记 {declared_size} 字节，文件实为 {actual} 字节"
            )
        for f in item.files:
            found = identify(f.path)
            declared = item.fields.get("format", "").strip().lower().lstrip(".")
            if (
                declared
                and len(item.files) == 1
                and declared != found.key
                and found.key != "unknown"
            ):
                failures.append(
                    f"{where(item, 'format')}登记为「{declared}」，"
                    f"文件「{f.name}」实为 {found.label}"
                )
            suffix = f.name.rsplit(".", 1)[-1].lower() if "." in f.basename else ""
            expected = EXTENSIONS.get(suffix)
            if expected and found.key not in ("unknown", *expected):
                failures.append(
                    f"{item.where()} 文件「{f.name}」扩展名为 .{suffix}，内容实为 {found.label}"
                )
    return result("1-10", failures, "文件大小、格式与登记及扩展名一致")


NO_ITEMS = "提交包中没有任何条目，无可检测的内容"


def content_linked(submission: Submission, context: CheckContext) -> CheckResult:
    if not submission.items:
        return not_performed("1-11", NO_ITEMS)
    return result("1-11", [], "目录中每个条目都关联到存在的电子文件")


def package_structure(submission: Submission, context: CheckContext) -> CheckResult:
    """Also refuses an empty package: a batch of 0 items is returned, never "accepted" with
    every check vacuously passed (1-11, 2-1, 2-7 are then not performed)."""
    if not submission.items:
        failure = (
            f"信息包（{submission.kind}）中没有任何条目（目录没有数据行，或没有可接收的文件）："
            "空的提交包不能接收，请补充条目后重新移交"
        )
        return result("1-12", [failure], "")
    return result("1-12", [], f"信息包（{submission.kind}）结构、目录文件与说明文件符合要求")


ITEMS = [
    digests_match,
    value_formats,
    value_domains,
    plausible_values,
    no_special_characters,
    ref_codes_well_formed,
    no_duplicates,
    file_properties_match,
    content_linked,
    package_structure,
]
