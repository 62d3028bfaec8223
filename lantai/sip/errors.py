"""Errors that stop an ingest before a batch is judged, kept apart so sources can raise them.

Decisions:

- :class:`IngestError`: the batch cannot even be checked (no such path or fonds); the message is
  for the user. It lives here (re-exported by ``batch``) so ``sources/`` can raise its subclass
  without importing ``batch`` (which imports the sources).
- :class:`ServerFault`: the server, not the submitter, failed (its temp disk is full). The batch
  is *not* judged and not returned: nothing is stored, nothing partial is left, and the message
  says which server directory needs space. ``lantai ingest`` exits with :data:`SERVER_FAULT_EXIT`
  (75, ``EX_TEMPFAIL``: try again later) rather than 1 (returned / error).
"""

from __future__ import annotations

import shutil
from pathlib import Path

SERVER_FAULT_EXIT = 75


class IngestError(Exception):
    """The batch cannot even be checked (no such path or fonds); message for the user."""


class ServerFault(IngestError):
    """The server could not judge the batch (temp disk full); not the submitter's fault."""


def _mib(size: int) -> str:
    return f"{size / 1024**2:,.0f} MiB"


def _space(directory: Path, needed: int | None) -> str:
    """``directory，剩余 N MiB，本批需约 M MiB`` for the disk-full messages."""
    try:
        free = _mib(shutil.disk_usage(directory).free)
    except OSError:
        free = "未知"
    need = f"，本批需约 {_mib(needed)}" if needed else ""
    return f"{directory}，剩余 {free}{need}"


def temp_disk_full(directory: Path, needed: int | None) -> ServerFault:
    """The message for a full temp disk: the directory's free space, what is needed, what to do."""
    return ServerFault(
        f"服务器临时目录所在磁盘已满（{_space(directory, needed)}）：这是服务器的问题，"
        "不是移交方的问题，本批未作检测、未保存任何内容。请管理员清理该磁盘，"
        "或设置 TMPDIR 指向空间足够的磁盘后重新导入"
    )


def store_disk_full(directory: Path, needed: int | None) -> ServerFault:
    """The message for a full archive store: the disk, its free space, what the batch needs."""
    return ServerFault(
        f"档案存储所在磁盘空间不足（{_space(directory, needed)}）：本批未入库，"
        "已写入的部分已撤回，馆藏保持原样。请管理员扩容或清理该磁盘后重新导入"
    )


def space_needed(sizes: list[int]) -> int:
    """What storing files of ``sizes`` takes: each file once, plus a tenth and 64 KiB a file for
    text, metadata, manifests and file-system overhead."""
    return sum(sizes) + sum(sizes) // 10 + 64 * 1024 * len(sizes)
