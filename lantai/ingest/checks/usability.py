"""可用性 (usability) items of DA/T 70, transfer stage.

- 3-1 the catalogue / manifest / bag-info is readable (reading problems: encoding, broken XLSX)
- 3-3 each file's format is an archival format allowed by policy (GB/T 18894-2016 by default:
  OFD, PDF, TIFF, JPEG, WAV, MP3, MP4, HTML, TXT; ``CheckContext.allowed_formats`` widens it)
- 3-4 each file really opens (``openers.py``); an empty file does not
- 3-8 no blockers inside the package: no encryption, no archive left compressed (a zip inside
  the transfer must be unpacked by the unit; only the outer zip is unpacked by Lantai)
"""

from __future__ import annotations

from lantai.ingest.checks import CheckContext, CheckResult, result
from lantai.ingest.checks.formats import LABELS, identify
from lantai.ingest.checks.openers import OPENERS, encryption
from lantai.ingest.submission import Submission

COMPRESSED = frozenset({"zip", "rar", "7z", "gzip"})


def metadata_readable(submission: Submission, context: CheckContext) -> CheckResult:
    return result("3-1", [], "目录文件（元数据）可正常读取")


def formats_allowed(submission: Submission, context: CheckContext) -> CheckResult:
    failures, seen = [], set()
    for item in submission.items:
        for f in item.files:
            found = identify(f.path)
            seen.add(found.label + (f"（{found.puid}）" if found.puid else ""))
            if found.key not in context.allowed_formats:
                failures.append(
                    f"{item.where()} 文件「{f.name}」为{found.label}，不是允许的归档格式"
                    f"（{allowed_labels(context)}）：请转换后重新移交"
                )
    return result("3-3", failures, "格式均为允许的归档格式：" + "、".join(sorted(seen)))


def allowed_labels(context: CheckContext) -> str:
    return "、".join(LABELS[k][0] for k in sorted(context.allowed_formats) if k in LABELS)


def files_open(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    for item in submission.items:
        for f in item.files:
            found = identify(f.path)
            if found.key == "empty":
                failures.append(f"{item.where()} 文件「{f.name}」是空文件（0 字节）")
                continue
            opener = OPENERS.get(found.key)
            reason = opener(f.path) if opener else None
            if reason:
                failures.append(f"{item.where()} 文件「{f.name}」无法打开：{reason}")
    return result("3-4", failures, f"{len(submission.files)} 个文件均可正常打开")


def no_encryption_or_compression(submission: Submission, context: CheckContext) -> CheckResult:
    failures = []
    for item in submission.items:
        for f in item.files:
            found = identify(f.path)
            reason = encryption(f.path, found.key)
            if reason:
                failures.append(f"{item.where()} 文件「{f.name}」{reason}：请解密后重新移交")
            elif found.key in COMPRESSED:
                failures.append(f"{item.where()} 文件「{f.name}」是{found.label}：请解压后重新移交")
    return result("3-8", failures, "无加密、无未解压的压缩文件")


ITEMS = [metadata_readable, formats_allowed, files_open, no_encryption_or_compression]
