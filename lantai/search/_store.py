"""Index generations on disk, and the atomic swap that publishes a new one.

Layout under the index root::

    root/CURRENT          one line: the name of the live generation ("gen-000003")
    root/gen-000003/      a complete tantivy index + lantai-schema.json
    root/gen-000002/      the previous one, kept so readers that still hold it keep working

A rebuild writes a new generation beside the live one, then replaces ``CURRENT`` with
``os.replace`` (atomic on POSIX and Windows). Readers notice on their next ``reload()``; open
memory maps of the old generation stay valid until they drop it, and only generations older
than the previous one are removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

POINTER = "CURRENT"
_GEN = re.compile(r"^gen-(\d{6,})$")


def current_name(root: Path) -> str | None:
    """The live generation's directory name, or None when there is none yet."""
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name if _GEN.match(name) and (root / name).is_dir() else None


def _number(name: str) -> int:
    """The number of a generation directory name (``gen-000012`` → 12)."""
    match = _GEN.match(name)
    if match is None:
        raise ValueError(f"not a generation directory name: {name}")
    return int(match[1])


def generations(root: Path) -> list[str]:
    """Generation directory names, oldest first."""
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if p.is_dir() and _GEN.match(p.name)]
    return sorted(names, key=_number)


def new_generation(root: Path) -> Path:
    """Create (and return) an empty directory for the next generation."""
    root.mkdir(parents=True, exist_ok=True)
    existing = generations(root)
    number = _number(existing[-1]) + 1 if existing else 1
    while True:
        path = root / f"gen-{number:06d}"
        try:
            path.mkdir()
            return path
        except FileExistsError:  # a concurrent rebuild took this number
            number += 1


def publish(root: Path, generation: Path) -> None:
    """Make ``generation`` the live one, atomically and durably."""
    tmp = root / f"{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(generation.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / POINTER)
    _fsync_dir(root)


def prune(root: Path, keep: int = 2) -> list[str]:
    """Remove generations older than the newest ``keep`` (never the live one)."""
    live = current_name(root)
    names = generations(root)
    removed = []
    for name in names[:-keep] if keep else names:
        if name != live:
            shutil.rmtree(root / name, ignore_errors=True)
            removed.append(name)
    return removed


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not supported on every platform (Windows)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
