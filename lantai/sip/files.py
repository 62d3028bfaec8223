"""Walking a submitted directory and judging names, safely. Plain Python.

Design decisions:

- Nothing is followed: symbolic links, device files, FIFOs and sockets are reported as problems
  (DA/T 70 4-8, Lantai's package-safety item) and never read, so a link cannot smuggle
  ``/etc/passwd`` into an archive.
- Names are NFC. A name that is not valid UTF-8 on disk (a Windows GBK name copied byte for
  byte) is recovered by decoding its bytes as GB18030 and reported as a warning, so the
  catalogue's Chinese name still matches; a name that decodes neither way is a problem.
- Operating-system litter (``.DS_Store``, ``Thumbs.db``, ``__MACOSX/`` …) is skipped with a
  warning: it is neither content nor a reason to return a transfer.
- A name given in a catalogue or manifest must be relative and stay inside the submission:
  absolute paths, drive letters, UNC paths, ``~`` and ``..`` parts are refused.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from lantai.sip.submission import Problem, nfc

SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", ".directory"})
SYSTEM_DIRS = frozenset({"__macosx", ".spotlight-v100", ".trashes", ".fseventsd", ".git"})
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Walk:
    """Regular files under a root: NFC relative name → path on disk."""

    files: dict[str, Path] = field(default_factory=dict)
    # Another reading of a name whose bytes are valid UTF-8 *and* GB18030 (``通知`` in GBK is
    # also valid UTF-8): alias → the name in ``files``. Used only when a catalogue name does
    # not match the UTF-8 reading.
    aliases: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def recover_name(name: str) -> tuple[str | None, bool]:
    """Return (NFC name, recovered-from-GB18030?) or (None, False) if undecodable."""
    raw = os.fsencode(name)
    try:
        return nfc(raw.decode("utf-8")), False
    except UnicodeDecodeError:
        pass
    try:
        return nfc(raw.decode("gb18030")), True
    except UnicodeDecodeError:
        return None, False


def gb18030_reading(name: str) -> str | None:
    """The GB18030 reading of a name's bytes when it contains Chinese characters, else None."""
    raw = os.fsencode(name)
    if raw.isascii():
        return None
    try:
        text = nfc(raw.decode("gb18030"))
    except UnicodeDecodeError:
        return None
    return text if re.search(r"[\u3400-\u9fff]", text) else None


def is_system_file(relative: str) -> bool:
    parts = relative.lower().split("/")
    return (
        parts[-1] in SYSTEM_FILES
        or parts[-1].startswith("._")
        or bool(SYSTEM_DIRS.intersection(parts[:-1]))
    )


def walk(root: Path, *, skip: frozenset[str] = frozenset()) -> Walk:
    """Walk ``root`` without following links; ``skip`` names (relative, NFC) are left out."""
    result = Walk()
    _walk_dir(root, "", result, skip)
    return result


def _walk_dir(directory: Path, prefix: str, result: Walk, skip: frozenset[str]) -> None:
    with os.scandir(directory) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name, recovered = recover_name(entry.name)
            shown = prefix + (name or os.fsencode(entry.name).decode("utf-8", "replace"))
            if name is None:
                result.problems.append(
                    Problem(
                        shown,
                        None,
                        None,
                        "文件名编码无法识别（既非 UTF-8 也非 GB18030），"
                        "请改用 UTF-8 文件名后重新移交",
                        "4-8",
                    )
                )
                continue
            relative = prefix + name
            if recovered:
                result.warnings.append(f"文件名「{relative}」为 GBK/GB18030 编码，已按中文识别")
            alternative = gb18030_reading(entry.name)
            if alternative and alternative != name:
                result.aliases[prefix + alternative] = relative
            _take_entry(entry, relative, result, skip)


def _take_entry(entry: os.DirEntry[str], relative: str, result: Walk, skip: frozenset[str]) -> None:
    mode = entry.stat(follow_symlinks=False).st_mode
    if stat.S_ISLNK(mode):
        result.problems.append(
            Problem(relative, None, None, "是符号链接：移交内容不得含链接，请以文件本身替换", "4-8")
        )
    elif stat.S_ISDIR(mode):
        if relative.lower().rsplit("/", 1)[-1] in SYSTEM_DIRS:
            result.warnings.append(f"已忽略系统目录「{relative}」")
        else:
            _walk_dir(Path(entry.path), relative + "/", result, skip)
    elif not stat.S_ISREG(mode):
        result.problems.append(
            Problem(relative, None, None, "是设备文件、管道或套接字，不是普通文件：请删除", "4-8")
        )
    elif is_system_file(relative):
        result.warnings.append(f"已忽略系统文件「{relative}」")
    elif relative not in skip:
        result.files[relative] = Path(entry.path)


def unsafe_name_reason(name: str) -> str | None:
    """Why a relative name given by the transferring unit is unsafe, or ``None`` if it is fine."""
    if not name:
        return "文件名为空"
    if "\x00" in name:
        return "文件名含空字符"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "是绝对路径：应写相对于移交目录的路径"
    if name.startswith("~"):
        return "以 ~ 开头（指向用户目录）：应写相对于移交目录的路径"
    parts = re.split(r"[\\/]", name)
    if ".." in parts:
        return "含「..」，指向移交目录之外：应写移交目录内的相对路径"
    return None


def clean_relative(name: str) -> str:
    """Catalogue names: NFC, ``\\`` → ``/`` (Windows), no leading ``./`` or empty parts."""
    parts = [p for p in nfc(name.strip()).replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)
