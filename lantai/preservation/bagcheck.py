"""Strict BagIt validation (RFC 8493 and drafts 0.93–0.97). Plain Python, own implementation.

Why not wrap LoC ``bagit``: it accepts ``v1.0/invalid/bagit-with-invalid-whitespace`` (spaces
before the colon in ``bagit.txt``) and validates by reading files twice; this validator is
small, reads each payload file once (all manifest algorithms plus SHA-256 + SM3 for Lantai's own
use, in parallel through ``fixity.verify``) and returns every error at once, in Chinese.

Errors (the bag is invalid) and warnings (valid, reported), following the LoC conformance suite:

- ``bagit.txt``: must exist, no BOM, exactly ``BagIt-Version: M.N`` and
  ``Tag-File-Character-Encoding: ENC`` (no extra whitespace), a version from 0.93 to 1.0 and an
  encoding Python knows.
- manifests: at least one ``manifest-<alg>.txt`` with a hashlib algorithm; each line a hex
  digest of the right length, whitespace, and a path; paths must stay inside the bag
  (no absolute, ``~``, ``..``, drive-letter, UNC or ``%HomeDrive%`` paths) and under ``data/``.
  ``*path`` (md5sum binary mode) and ``./path`` are warnings. A path listed twice with different
  digests is an error; with the same digest a warning before 1.0, an error in 1.0.
- completeness: every file under ``data/`` is in every payload manifest, every listed file
  exists; a listed file missing while a file differing only in case or Unicode normalisation
  exists is a warning (it would exist on macOS/Windows). Links and device files are errors.
  A file missing but listed in ``fetch.txt`` is an error *for ingest* (Lantai never downloads).
- every digest of every manifest and tag manifest matches; ``Payload-Oxum`` matches.
- operating-system litter in ``data/`` (``Thumbs.db``, ``.DS_Store``) is a warning.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lantai.preservation.fixity import Entry, unescape_manifest_path, verify
from lantai.sip.files import is_system_file, unsafe_name_reason, walk

_VERSION = re.compile(r"^BagIt-Version: ([0-9]+)\.([0-9]+)$")
_ENCODING = re.compile(r"^Tag-File-Character-Encoding: (\S+)$")
_MANIFEST = re.compile(r"^(tag)?manifest-([A-Za-z0-9]+)\.txt$")
_LINE = re.compile(r"^([0-9A-Fa-f]+)[ \t]+(.+)$")
_WINDOWS_VARIABLE = re.compile(r"^%[A-Za-z]+%")


@dataclass
class BagReport:
    """What validation found. ``payload`` maps a path under ``data/`` → {algorithm: digest}."""

    path: Path
    version: str = ""
    encoding: str = "utf-8"
    info: list[tuple[str, str]] = field(default_factory=list)
    payload: dict[str, dict[str, str]] = field(default_factory=dict)
    computed: dict[str, dict[str, str]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Errors of the kind "digest does not match", by payload path (also in ``errors``).
    mismatched: set[str] = field(default_factory=set)
    # Listed OS litter (``.DS_Store``) absent from the bag: copying tools drop it; a warning.
    missing_litter: set[str] = field(default_factory=set)

    def info_value(self, label: str) -> str | None:
        return next((v for k, v in self.info if k.lower() == label.lower()), None)


def validate_bag(path: Path, *, workers: int | None = None) -> BagReport:
    report = BagReport(Path(path))
    if not _read_declaration(report):
        return report
    _read_info(report)
    manifests = _read_manifests(report, tag=False)
    if not manifests:
        report.errors.append("缺少载荷清单 manifest-<算法>.txt")
        return report
    present = _payload_files(report)
    _check_complete(report, manifests, present)
    _check_fetch(report, present)
    _verify_payload(report, manifests, present, workers)
    _verify_tags(report)
    _check_oxum(report)
    return report


def _read_declaration(report: BagReport) -> bool:
    path = report.path / "bagit.txt"
    if not path.is_file():
        report.errors.append("缺少 bagit.txt：不是 BagIt 包")
        return False
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        report.errors.append("bagit.txt 以 BOM 开头：RFC 8493 不允许")
        return False
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        report.errors.append("bagit.txt 不是 UTF-8 编码")
        return False
    version = _VERSION.match(lines[0]) if lines else None
    encoding = _ENCODING.match(lines[1]) if len(lines) > 1 else None
    if not version or not encoding or len([line for line in lines if line.strip()]) != 2:
        report.errors.append(
            "bagit.txt 格式不合规：应恰为「BagIt-Version: M.N」与"
            "「Tag-File-Character-Encoding: 编码」两行，冒号前不得有空格"
        )
        return False
    major, minor = int(version.group(1)), int(version.group(2))
    report.version = f"{major}.{minor}"
    if not ((major == 0 and 93 <= minor <= 97) or (major, minor) == (1, 0)):
        report.errors.append(f"不支持的 BagIt 版本「{version.group(1)}.{version.group(2)}」")
        return False
    try:
        report.encoding = codecs.lookup(encoding.group(1)).name
    except LookupError:
        report.errors.append(f"bagit.txt 声明的标签文件编码「{encoding.group(1)}」无法识别")
        return False
    return True


def _tag_text(report: BagReport, name: str) -> str | None:
    try:
        return (report.path / name).read_bytes().decode(report.encoding)
    except UnicodeDecodeError:
        report.errors.append(f"{name} 不是声明的编码 {report.encoding}")
        return None


def _read_info(report: BagReport) -> None:
    for name in ("bag-info.txt", "package-info.txt"):
        if (report.path / name).is_file():
            break
    else:
        return
    text = _tag_text(report, name)
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line[:1] in (" ", "\t") and report.info:
            label, value = report.info[-1]
            report.info[-1] = (label, value + " " + line.strip())
        elif ":" in line:
            label, _, value = line.partition(":")
            report.info.append((label.strip(), value.strip()))
        elif line.strip():
            report.errors.append(f"{name} 第 {number} 行不是「标签: 值」格式")


def _algorithm(name: str) -> str | None:
    try:
        hashlib.new(name.lower())
    except ValueError:
        return None
    return name.lower()


def _read_manifests(report: BagReport, *, tag: bool) -> dict[str, dict[str, str]]:
    """{algorithm: {path: digest}} for payload (or tag) manifests, with path checks."""
    manifests: dict[str, dict[str, str]] = {}
    for path in sorted(report.path.iterdir()):
        match = _MANIFEST.match(path.name)
        if not match or bool(match.group(1)) != tag or not path.is_file():
            continue
        algorithm = _algorithm(match.group(2))
        if algorithm is None:
            report.errors.append(f"{path.name} 使用无法校验的摘要算法「{match.group(2)}」")
            continue
        manifests[algorithm] = _manifest_lines(report, path.name, algorithm)
    return manifests


def _manifest_lines(report: BagReport, name: str, algorithm: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    size = hashlib.new(algorithm).digest_size * 2
    for number, line in enumerate((_tag_text(report, name) or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match or len(match.group(1)) != size:
            report.errors.append(f"{name} 第 {number} 行不是「{algorithm} 摘要 + 路径」格式")
            continue
        digest, path = match.group(1).lower(), match.group(2)
        path = _clean_path(report, name, path)
        if path is None:
            continue
        if path in entries and entries[path] != digest:
            report.errors.append(f"{name} 中「{path}」出现两次且摘要不同")
        elif path in entries:
            message = f"{name} 中「{path}」重复列出"
            (report.errors if report.version == "1.0" else report.warnings).append(message)
        entries[path] = digest
    return entries


def _clean_path(report: BagReport, manifest: str, path: str) -> str | None:
    if path.startswith("*"):
        report.warnings.append(f"{manifest} 使用 md5sum 二进制标记「*」：{path}")
        path = path[1:]
    if path.startswith("./"):
        report.warnings.append(f"{manifest} 路径以「./」开头：{path}")
        path = path[2:]
    path = unescape_manifest_path(path)
    reason = unsafe_name_reason(path)
    if reason is None and (_WINDOWS_VARIABLE.match(path) or "\\" in path):
        reason = "含 Windows 路径（反斜杠或环境变量），指向包外"
    if reason:
        report.errors.append(f"{manifest} 中路径「{path}」越界：{reason}")
        return None
    return path


def _payload_files(report: BagReport) -> dict[str, Path]:
    data = report.path / "data"
    if not data.is_dir():
        report.errors.append("缺少载荷目录 data/")
        return {}
    found = walk(data)
    report.errors += [str(p) for p in found.problems]
    present = {}
    for name, path in found.files.items():
        present["data/" + name] = path
    for name in _raw_system_files(data):
        report.warnings.append(f"载荷中含系统文件「data/{name}」")
        present["data/" + name] = data / name
    return present


def _raw_system_files(data: Path) -> list[str]:
    """``walk`` skips OS litter; a bag still lists it in its manifest, so keep it here."""
    return sorted(
        str(p.relative_to(data))
        for p in data.rglob("*")
        if p.is_file() and not p.is_symlink() and is_system_file(str(p.relative_to(data)))
    )


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _check_complete(
    report: BagReport, manifests: dict[str, dict[str, str]], present: dict[str, Path]
) -> None:
    folded = defaultdict(list)
    for name in present:
        folded[_fold(name)].append(name)
    for algorithm, entries in manifests.items():
        _check_listed(report, f"manifest-{algorithm}.txt", entries, present, folded)
        for name in present:
            if name not in entries and not any(n for n in entries if _fold(n) == _fold(name)):
                report.errors.append(f"「{name}」未列入 manifest-{algorithm}.txt")
    for algorithm, entries in manifests.items():
        for name, digest in entries.items():
            if name in present:
                report.payload.setdefault(name, {})[algorithm] = digest


def _check_listed(
    report: BagReport,
    manifest: str,
    entries: dict[str, str],
    present: dict[str, Path],
    folded: dict[str, list[str]],
) -> None:
    """Every name a manifest lists is in the payload (or a known near miss is named)."""
    for name in entries:
        if not name.startswith("data/"):
            report.errors.append(f"{manifest} 列出了载荷目录 data/ 之外的「{name}」")
        elif name not in present and folded.get(_fold(name)):
            report.warnings.append(
                f"{manifest} 中「{name}」与实际文件仅大小写或 Unicode 规范化不同"
            )
        elif name not in present and is_system_file(name):
            report.missing_litter.add(name)
            report.warnings.append(f"{manifest} 列出的系统文件「{name}」不存在，已忽略")
        elif name not in present:
            report.errors.append(f"{manifest} 列出的「{name}」不存在")


def _check_fetch(report: BagReport, present: dict[str, Path]) -> None:
    path = report.path / "fetch.txt"
    if not path.is_file():
        return
    for number, line in enumerate((_tag_text(report, "fetch.txt") or "").splitlines(), start=1):
        parts = line.split(None, 2)
        if not line.strip():
            continue
        if len(parts) != 3:
            report.errors.append(f"fetch.txt 第 {number} 行不是「URL 长度 路径」格式")
            continue
        name = _clean_path(report, "fetch.txt", parts[2])
        if name is not None and name not in present:
            report.errors.append(f"「{name}」须从 fetch.txt 下载：Lantai 不在线下载，请补齐后移交")


def _verify_payload(
    report: BagReport,
    manifests: dict[str, dict[str, str]],
    present: dict[str, Path],
    workers: int | None,
) -> None:
    entries = [Entry(name, present[name], digests) for name, digests in report.payload.items()]
    for outcome in verify(entries, workers=workers):
        report.computed[outcome.name] = outcome.actual
        report.sizes[outcome.name] = outcome.size or 0
        if outcome.error:
            report.errors.append(f"「{outcome.name}」{outcome.error}")
        for algorithm in outcome.mismatched:
            report.mismatched.add(outcome.name)
            report.errors.append(f"「{outcome.name}」的 {algorithm} 摘要与 manifest 不符")


def _verify_tags(report: BagReport) -> None:
    for algorithm, entries in _read_manifests(report, tag=True).items():
        for name, digest in entries.items():
            path = report.path / name
            if name.startswith("data/"):
                report.errors.append(f"tagmanifest-{algorithm}.txt 列出了载荷文件「{name}」")
            elif not path.is_file() or path.is_symlink():
                report.errors.append(f"tagmanifest-{algorithm}.txt 列出的「{name}」不存在")
            elif hashlib.new(algorithm, path.read_bytes()).hexdigest() != digest:
                report.errors.append(f"标签文件「{name}」的 {algorithm} 摘要与 tagmanifest 不符")


def _check_oxum(report: BagReport) -> None:
    oxum = report.info_value("Payload-Oxum")
    if not oxum:
        return
    match = re.fullmatch(r"([0-9]+)\.([0-9]+)", oxum)
    if not match:
        report.errors.append(f"Payload-Oxum「{oxum}」格式不合规：应为「字节数.文件数」")
        return
    actual = (sum(report.sizes.values()), len(report.sizes))
    if (int(match.group(1)), int(match.group(2))) != actual:
        message = f"Payload-Oxum 声明 {oxum}，实为 {actual[0]}.{actual[1]}"
        if int(match.group(2)) == actual[1] + len(report.missing_litter):
            report.warnings.append(message + "（差异来自缺失的系统文件）")
        else:
            report.errors.append(message)
