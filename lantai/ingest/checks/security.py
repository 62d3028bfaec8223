"""安全性 (security) items of DA/T 70, transfer stage, plus two Lantai package-safety items.

- 4-1 an antivirus engine is available: ClamAV's ``clamd`` answering PING (else *not performed*)
- 4-2 virus scan of every file through clamd INSTREAM (else *not performed*, never passed)
- 4-3 extraneous files on the carrier: operating-system litter skipped while reading is listed
- 4-4…4-7 manual (carrier read speed, appearance, disc conformance, process security): recorded
  by an operator, see ``checks.manual_result``
- 4-8 (Lantai) package structure safety: no path escapes, absolute paths, links, device files,
  zip bombs (reading problems); a name too long to store fails with a rename instruction, a
  name the AIP must shorten (``lantai.preservation.names``, 255-byte limit) is a warning
- 4-9 (Lantai) no executable program or macro code: MZ/ELF/Mach-O headers, ``#!`` scripts,
  ``vbaProject.bin`` in OOXML, VBA streams in OLE files, JavaScript in PDF (from the document's
  objects, :mod:`lantai.ingest.checks.pdfscript`)

Decision on HTML ``<script>``: a web capture (门类 WY) is evidence of a page as published and its
scripts are part of it, so a page with ``<script>`` is *not* refused. 4-9 passes and its detail
lists the pages with scripts; delivery neutralises scripts (the access layer serves captures
sandboxed, without executing them). An executable file or a macro is refused.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lantai.ingest.checks import CheckContext, CheckResult, clamav, make, not_performed, result
from lantai.ingest.checks.openers import OPEN_LIMIT
from lantai.ingest.checks.pdfscript import has_javascript
from lantai.preservation.names import PATH_MAX, shortened, storage_path, too_long
from lantai.sip.formats import identify
from lantai.sip.submission import Submission, SubmittedFile

NO_CLAMAV = "未检测到 ClamAV (clamd)"
_SCRIPT = re.compile(rb"<script[\s>]", re.IGNORECASE)
SCAN_BLOCK = 4 * 1024 * 1024


def _all_files(submission: Submission) -> list[SubmittedFile]:
    return [*submission.files, *submission.support_files]


def antivirus_available(submission: Submission, context: CheckContext) -> CheckResult:
    found = clamav.find(context.clamd)
    if found is None:
        return not_performed("4-1", NO_CLAMAV)
    return make("4-1", True, f"ClamAV 可用（{found[1]}）")


def virus_scan(submission: Submission, context: CheckContext) -> CheckResult:
    found = clamav.find(context.clamd)
    if found is None:
        return not_performed("4-2", NO_CLAMAV)
    failures = []
    for f in _all_files(submission):
        try:
            verdict = clamav.scan(found[0], f.path)
        except OSError as error:
            verdict = f"扫描出错（{error}）"
        if verdict:
            failures.append(f"文件「{f.name}」：{verdict}")
    return result("4-2", failures, f"ClamAV 扫描 {len(_all_files(submission))} 个文件，未发现病毒")


def extraneous_files(submission: Submission, context: CheckContext) -> CheckResult:
    ignored = [w for w in submission.warnings if w.startswith("已忽略系统")]
    return result("4-3", [], "无多余系统文件" if not ignored else "；".join(ignored))


def package_safety(submission: Submission, context: CheckContext) -> CheckResult:
    failures, notes = [], []
    for item in submission.items:
        for f in item.files:
            size = len(f.name.encode())
            if too_long(f.name):
                failures.append(
                    f"{item.where()} 文件「{f.name[:40]}…」路径长 {size} 字节，超过可保存的 "
                    f"{PATH_MAX} 字节：请缩短文件名或目录层级后重新移交"
                )
            elif shortened(f.name):
                notes.append(
                    f"警告：文件「{f.name[:40]}…」名称过长（{size} 字节），保存时文件名已缩短"
                    f"（如「{storage_path(f.name)[-30:]}」），原文件名完整记录在元数据中"
                )
    return result("4-8", failures, "无路径穿越、绝对路径、链接、设备文件或压缩炸弹", notes=notes)


def no_executables_or_macros(submission: Submission, context: CheckContext) -> CheckResult:
    failures, scripted = [], []
    for f in _all_files(submission):
        reason = executable_content(f.path)
        if reason:
            failures.append(f"文件「{f.name}」{reason}：不得移交可执行程序或宏代码")
        elif identify(f.path).key == "html" and _has(f.path, _SCRIPT):
            scripted.append(f.name)
    notes = []
    if scripted:
        shown = "、".join(scripted[:10]) + (f" 等 {len(scripted)} 个" if len(scripted) > 10 else "")
        notes.append(f"网页含脚本（{shown}），作为网页原貌保存，提供利用时不执行脚本")
    return result("4-9", failures, "无可执行程序或宏代码", notes=notes)


def executable_content(path: Path) -> str | None:
    """Why the file holds executable code, or ``None``."""
    key = identify(path).key
    if key in ("exe", "elf", "macho"):
        return f"是可执行程序（{identify(path).label}）"
    if key in ("txt", "unknown"):
        with open(path, "rb") as stream:
            if stream.read(2) == b"#!":
                return "是脚本程序（以 #! 开头）"
    if key in ("docx", "xlsx", "pptx", "zip", "ofd"):
        return _zip_macros(path)
    if key == "ole" and _has(path, re.compile(re.escape("_VBA_PROJECT".encode("utf-16-le")))):
        return "含 VBA 宏代码"
    if key == "pdf" and has_javascript(path):
        return "含 JavaScript 脚本"
    return None


def _zip_macros(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n.lower() for n in archive.namelist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if any(n.endswith("vbaproject.bin") for n in names):
        return "含 VBA 宏代码（vbaProject.bin）"
    if any(n.endswith((".exe", ".dll", ".js", ".vbs", ".bat", ".cmd")) for n in names):
        return "内含可执行程序或脚本"
    return None


def _has(path: Path, pattern: re.Pattern[bytes]) -> bool:
    """Search a file in blocks (with overlap), up to ``OPEN_LIMIT`` bytes."""
    overlap, carried, read = 64, b"", 0
    with open(path, "rb") as stream:
        while read < OPEN_LIMIT and (block := stream.read(SCAN_BLOCK)):
            if pattern.search(carried + block):
                return True
            carried, read = block[-overlap:], read + len(block)
    return False


ITEMS = [
    antivirus_available,
    virus_scan,
    extraneous_files,
    package_safety,
    no_executables_or_macros,
]
