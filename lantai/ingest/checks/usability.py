"""可用性 (usability) items of DA/T 70, transfer stage.

- 3-1 the catalogue / manifest / bag-info is readable (reading problems: encoding, broken XLSX)
- 3-3 each file's format is an archival format allowed by policy (GB/T 18894-2016 by default:
  OFD, PDF, TIFF, JPEG, WAV, MP3, MP4, HTML, TXT; ``CheckContext.allowed_formats`` widens it)
- 3-4 each file really opens (``openers.py``); an empty file does not. A file whose decoder
  is missing is *not performed* (the item is then not performed unless another file failed);
  a text with a few damaged characters opens, with a warning in the detail
- 3-8 no blockers inside the package: no encryption, no archive left compressed (a zip inside
  the transfer must be unpacked by the unit; only the outer zip is unpacked by Lantai)
"""

from __future__ import annotations

from lantai.ingest.checks import MAX_LISTED, CheckContext, CheckResult, make, result
from lantai.ingest.checks.openers import OPENERS, DecoderMissing, encryption, text_damage
from lantai.sip.formats import LABELS, TEXT_KEYS, identify, pronom_available
from lantai.sip.submission import Submission

COMPRESSED = frozenset({"zip", "rar", "7z", "gzip"})


def metadata_readable(submission: Submission, context: CheckContext) -> CheckResult:
    return result("3-1", [], "目录文件（元数据）可正常读取")


def formats_allowed(submission: Submission, context: CheckContext) -> CheckResult:
    """Policy by format key; the key comes from magic bytes or, where they name nothing, from
    the PRONOM PUID (``formats.PUID_KEYS``). Every PUID is named in the report."""
    failures, seen = [], set()
    for item in submission.items:
        for f in item.files:
            found = identify(f.path)
            pronom = f"PRONOM {found.puid}" if found.puid else "PRONOM 未识别"
            seen.add(f"{found.label}（{pronom}）")
            if found.key not in context.allowed_formats:
                failures.append(
                    f"{item.where()} 文件「{f.name}」为{found.label}（{pronom}），"
                    f"不是允许的归档格式（{allowed_labels(context)}）：请转换后重新移交"
                )
    notes = [] if pronom_available() else ["未安装 pygfried，未做 PRONOM 格式识别"]
    ok = "格式均为允许的归档格式：" + "、".join(sorted(seen))
    return result("3-3", failures, ok, notes=notes)


def allowed_labels(context: CheckContext) -> str:
    return "、".join(LABELS[k][0] for k in sorted(context.allowed_formats) if k in LABELS)


def files_open(submission: Submission, context: CheckContext) -> CheckResult:
    failures, unchecked, warnings = [], [], []
    for item in submission.items:
        for f in item.files:
            found = identify(f.path)
            if found.key == "empty":
                failures.append(f"{item.where()} 文件「{f.name}」是空文件（0 字节）")
                continue
            opener = OPENERS.get(found.key)
            try:
                reason = opener(f.path) if opener else None
            except DecoderMissing as missing:
                unchecked.append(f"文件「{f.name}」（{missing}）")
                continue
            if reason:
                failures.append(f"{item.where()} 文件「{f.name}」无法打开：{reason}")
            elif found.key in TEXT_KEYS and (damage := text_damage(f.path)):
                warnings.append(f"警告：{item.where()} 文件「{f.name}」{damage}")
    if failures:
        return result("3-4", failures + [f"未检测：{u}" for u in unchecked], "")
    checked = len(submission.files) - len(unchecked)
    if unchecked:
        detail = f"未执行：{len(unchecked)} 个文件未检测：" + "；".join(unchecked[:MAX_LISTED])
        detail += f"；其余 {checked} 个文件可正常打开" if checked else ""
        return make("3-4", None, "；".join([detail, *warnings]))
    return result("3-4", [], f"{checked} 个文件均可正常打开", notes=warnings)


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
