"""Zip archives of any other form, unpacked safely into a temporary directory.

Design decisions:

- Nothing is trusted before it is checked: every member name is judged (no ``..``, absolute,
  drive-letter or UNC paths; Windows ``\\`` separators are read as ``/``), symbolic links and
  device entries (Unix mode in ``external_attr``) are refused, encrypted members are refused.
- Zip bombs: the archive is refused before anything is written when it has more than
  ``LIMITS.entries`` members, declares more uncompressed than ``LANTAI_UNPACK_LIMIT_BYTES``
  (default 50 GiB), a member over 1 MiB expands more than ``LIMITS.ratio`` times, or the whole
  archive expands more than ``LIMITS.total_ratio`` (100) times while declaring over
  ``LIMITS.total_ratio_floor`` (1 GiB): many small members of zeros pass the per-member test but
  not this one, and a real scan batch (already compressed images) never comes near 100:1.
  An archive declaring more than the temp disk's free space is a :class:`ServerFault` (the
  server's problem, the batch is not judged), as is ENOSPC/EDQUOT while unpacking.
- Member names: a path component over 255 bytes (UTF-8) cannot be written on common file
  systems: 4-8 names the member (shortened) and asks for a rename, never "压缩包损坏".
  No message ever shows the server's temp path. While unpacking, bytes are counted as they
  are written, so a member whose header lies about its size is stopped at the declared size.
- Names: members without the UTF-8 flag (bit 11) are decoded from their raw bytes as UTF-8 if
  valid, else as GB18030 (Chinese Windows zips), and a warning says so; never as CP437 mojibake.
- The unpacked tree goes to ``tempfile.mkdtemp`` (set ``TMPDIR`` to choose the disk); the
  returned submission lists it in ``cleanup``. A single top-level folder is descended into,
  then the other sources' detection reads the content (a zip inside the zip is not unpacked:
  the unit must unpack it, 3-8 reports it).
- Any safety problem returns a submission with no items, so nothing of a hostile archive is
  ingested, and the problems name the member.
"""

from __future__ import annotations

import errno
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lantai.env import unpack_limit_bytes
from lantai.ingest.sources.detect import detect
from lantai.preservation.hashing import BLOCK_SIZE
from lantai.sip.errors import temp_disk_full
from lantai.sip.files import unsafe_name_reason
from lantai.sip.submission import Problem, Submission, nfc

KIND: Final = "zip"
NAME_MAX = 255  # bytes in one path component (ext4, XFS, NTFS in UTF-16 units)


@dataclass
class Limits:
    entries: int = 100_000
    total_bytes: int | None = None  # None: LANTAI_UNPACK_LIMIT_BYTES, read at each call
    ratio: int = 200
    ratio_floor: int = 1024 * 1024  # small members may compress extremely well (blank pages)
    total_ratio: int = 100
    total_ratio_floor: int = 1024**3

    def total(self) -> int:
        return unpack_limit_bytes() if self.total_bytes is None else self.total_bytes


LIMITS = Limits()


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def matches(path: Path) -> bool:
    if not path.is_file():
        return False
    with open(path, "rb") as stream:
        head = stream.read(4)
    return head in (b"PK\x03\x04", b"PK\x05\x06") and path.suffix.lower() not in (
        ".docx",
        ".xlsx",
        ".pptx",
        ".ofd",
    )


def unpack(path: Path) -> tuple[Submission, Path | None]:
    """Unpack the archive safely: (the outer submission with any problems, the folder it was
    unpacked to, or None when it was refused). Also used by 数字化挂接."""
    temp = Path(tempfile.mkdtemp(prefix="lantai-zip-"))
    outer = Submission(KIND, path, cleanup=[temp])
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, path.name)
            _unpack(archive, temp, outer)
    except _Refused as refused:
        outer.problems.append(refused.problem)
        shutil.rmtree(temp, ignore_errors=True)
        return outer, None
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            shutil.rmtree(temp, ignore_errors=True)
            raise temp_disk_full(temp.parent, _declared(path)) from None
        outer.problem(
            f"压缩包无法解压（{error.strerror or type(error).__name__}）：请重新打包",
            file=path.name,
            code="3-4",
        )
        outer.close()
        return outer, None
    except (zipfile.BadZipFile, EOFError) as error:
        outer.problem(f"压缩包损坏，无法解压（{error}）：请重新打包", file=path.name, code="3-4")
        outer.close()
        return outer, None
    if outer.problems:  # unsafe members: ingest nothing from this archive
        outer.close()
        return outer, None
    return outer, temp


def read(path: Path) -> Submission:
    outer, temp = unpack(path)
    return outer if temp is None else _delegate(outer, temp)


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    members = archive.infolist()
    if len(members) > LIMITS.entries:
        raise _Refused(
            Problem(
                name,
                None,
                None,
                f"压缩包含 {len(members)} 个条目，超过上限 "
                f"{LIMITS.entries}：疑似压缩炸弹，请分批移交",
                "4-8",
            )
        )
    total = sum(m.file_size for m in members)
    limit = LIMITS.total()
    if total > limit:
        raise _Refused(
            Problem(
                name,
                None,
                None,
                f"压缩包声明解压后共 {total:,} 字节，超过上限 {limit:,} 字节"
                "（LANTAI_UNPACK_LIMIT_BYTES）：疑似压缩炸弹；请分批移交，"
                "或由管理员调高该上限",
                "4-8",
            )
        )
    packed = sum(m.compress_size for m in members)
    overall = total / max(packed, 1)
    if total > LIMITS.total_ratio_floor and overall > LIMITS.total_ratio:
        raise _Refused(
            Problem(
                name,
                None,
                None,
                f"压缩包声明解压后共 {total:,} 字节，为压缩后的 {overall:.0f} 倍，"
                f"超过 {LIMITS.total_ratio}:1：疑似压缩炸弹，未解压；请检查内容后重新打包",
                "4-8",
            )
        )
    free = shutil.disk_usage(tempfile.gettempdir()).free
    if total > free:
        raise temp_disk_full(Path(tempfile.gettempdir()), total)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > LIMITS.ratio_floor and ratio > LIMITS.ratio:
            raise _Refused(
                Problem(
                    member_name(member, name_encoding(archive))[0],
                    None,
                    None,
                    f"压缩比 {ratio:.0f}:1 超过上限 {LIMITS.ratio}:1：疑似压缩炸弹",
                    "4-8",
                )
            )


def _plausibility(text: str) -> int:
    """Chinese characters score, other non-ASCII letters (mojibake: ֪ͨ, Ŀ¼) cost."""
    score = 0
    for ch in text:
        if "\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
            score += 2
        elif not ch.isascii():
            score -= 3
    return score


def name_encoding(archive: zipfile.ZipFile) -> str:
    """The encoding of the names without the UTF-8 flag, decided once for the archive.

    GBK bytes are often valid UTF-8 too (``通知`` is ``CD A8 D6 AA``), so the reading with
    the more plausible characters wins; UTF-8 wins ties.
    """
    raws = [m.filename.encode("cp437") for m in archive.infolist() if not m.flag_bits & 0x800]
    raws = [raw for raw in raws if not raw.isascii()]
    scores = {}
    for encoding in ("utf-8", "gb18030"):
        try:
            scores[encoding] = sum(_plausibility(raw.decode(encoding)) for raw in raws)
        except UnicodeDecodeError:
            continue
    return max(scores, key=lambda e: (scores[e], e == "utf-8")) if scores else "gb18030"


def member_name(member: zipfile.ZipInfo, encoding: str = "utf-8") -> tuple[str, bool]:
    """(NFC name with ``/`` separators, decoded-from-GB18030?)."""
    if member.flag_bits & 0x800:
        name, recovered = member.filename, False
    else:
        raw = member.filename.encode("cp437")  # zipfile decoded the raw bytes as CP437
        name = raw.decode(encoding, "replace")
        recovered = encoding == "gb18030" and not raw.isascii()
    return nfc(name.replace("\\", "/")), recovered


def _unpack(archive: zipfile.ZipFile, temp: Path, outer: Submission) -> list[str]:
    written = 0
    names: list[str] = []
    encoding = name_encoding(archive)
    for member in archive.infolist():
        name, recovered = member_name(member, encoding)
        if recovered:
            outer.warnings.append(f"压缩包内文件名「{name}」为 GBK/GB18030 编码，已按中文识别")
        reason = _member_problem(member, name, names)
        if reason:
            code = "3-8" if "加密" in reason else "4-8"
            outer.problem(reason, file=_shorten(name, 120), code=code)
            continue
        names.append(name.rstrip("/"))
        target = temp / name
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written += _extract(archive, member, target, name, written)
    return names


def _member_problem(member: zipfile.ZipInfo, name: str, seen: list[str]) -> str | None:
    reason = unsafe_name_reason(member.filename.replace("\\", "/")) or unsafe_name_reason(name)
    if reason:
        return "压缩包内路径" + reason
    long = next((part for part in name.split("/") if len(part.encode()) > NAME_MAX), None)
    if long is not None:
        return (
            f"的名称「{_shorten(long)}」长 {len(long.encode())} 字节，超过文件系统上限 "
            f"{NAME_MAX} 字节：请改短文件名后重新打包"
        )
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "是符号链接：压缩包内不得含链接"
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "是设备文件或管道：压缩包内只能有普通文件和目录"
    if member.flag_bits & 0x1:
        return "已加密：请解密后重新打包"
    if name.rstrip("/") in seen:
        return "在压缩包内出现两次"
    return None


def _extract(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, name: str, written: int
) -> int:
    """Copy one member in blocks, never past its declared size or the total limit."""
    count = 0
    with archive.open(member) as source, open(target, "xb") as sink:
        while block := source.read(BLOCK_SIZE):
            count += len(block)
            if count > member.file_size or written + count > LIMITS.total():
                raise _Refused(
                    Problem(
                        name, None, None, "解压后大小超过其声明：疑似压缩炸弹，已停止解压", "4-8"
                    )
                )
            sink.write(block)
    return count


def _shorten(name: str, keep: int = 40) -> str:
    return name if len(name) <= keep else name[: keep // 2] + "…" + name[-keep // 2 :]


def _declared(path: Path) -> int | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(m.file_size for m in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return None


def _delegate(outer: Submission, temp: Path) -> Submission:
    root = temp
    entries = [p for p in temp.iterdir() if p.name not in ("__MACOSX",)]
    if len(entries) == 1 and entries[0].is_dir():
        root = entries[0]  # a zip of a folder: its content is the submission
    module = detect(root, exclude=("zip", "warc")) or _single_warc(root)
    if module is None:
        outer.problem(
            "压缩包内容无法识别：应为含目录文件的目录、BagIt 包或 WARC 文件", file=outer.root.name
        )
        outer.close()
        return outer
    inner = module.read(root if module.KIND != "warc" else _warc_path(root))
    inner.kind = KIND
    inner.declared.setdefault("contains", module.KIND)
    inner.warnings = outer.warnings + inner.warnings
    inner.cleanup = outer.cleanup + inner.cleanup
    return inner


def _warc_path(root: Path) -> Path:
    return next(p for p in sorted(root.rglob("*")) if p.is_file() and _is_warc(p))


def _is_warc(path: Path) -> bool:
    from lantai.ingest.sources import warc

    return warc.matches(path)


def _single_warc(root: Path):
    from lantai.ingest.sources import warc

    files = [p for p in root.rglob("*") if p.is_file()]
    return warc if len(files) == 1 and warc.matches(files[0]) else None
