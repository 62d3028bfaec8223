"""Recognising a full disk, whatever layer reports it. Plain Python.

A full disk reaches Lantai in several shapes: ``OSError`` with ``ENOSPC``/``EDQUOT`` from a file
write, SQLite's "database or disk is full" inside Django's ``OperationalError``, PostgreSQL's
SQLSTATE 53100 (``DiskFull``), and the Rust search engine's "No space left on device (os error
28)" as a ``ValueError``. :func:`disk_full` looks through the exception and its causes for any of
them, so each caller (the command base, the search outbox) can turn it into a message that names
the disk instead of "内部错误".
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_TEXTS = (
    "database or disk is full",
    "no space left on device",
    "os error 28",
    "disk quota exceeded",
    "could not extend file",
)
_DISK_FULL_SQLSTATE = "53100"
# A full disk is the server's fault, not the command's input: EX_TEMPFAIL, try again later
# (the same code as an ingest stopped by a full temp disk, lantai.sip.errors).
DISK_FULL_EXIT = 75


def causes(error: BaseException):
    """``error``, then what caused it, and so on (each once)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def disk_full(error: BaseException) -> bool:
    """Whether ``error`` (or anything that caused it) says a disk or quota is full."""
    for cause in causes(error):
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS:
            return True
        if getattr(cause, "sqlstate", None) == _DISK_FULL_SQLSTATE:
            return True
        if getattr(getattr(cause, "diag", None), "sqlstate", None) == _DISK_FULL_SQLSTATE:
            return True
        text = str(cause).lower()
        if any(marker in text for marker in _FULL_TEXTS):
            return True
    return False


def out_of_space(directory: Path, margin: int = 1024 * 1024) -> bool:
    """Whether the disk holding ``directory`` has less than ``margin`` bytes free. SQLite on a
    disk filled to the last byte reports "disk I/O error" (it cannot create its WAL and
    shared-memory files) rather than "database or disk is full"; asking the disk tells which."""
    try:
        return shutil.disk_usage(directory).free < margin
    except OSError:
        return False


def summary(error: BaseException) -> str:
    """The exception's first line, for a one-line message."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
