"""Durability helpers for stored packages: fsync of directories and trees, read-only bags.

Shared by the AIP writer and the store's staging/publish step, so there is one definition of
"durable" in the ingest package.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_tree(root: Path) -> None:
    """Files were fsynced as written; make them read-only and their directory entries
    durable, deepest first."""
    make_read_only(root)
    for directory, _, _ in sorted(os.walk(root), key=lambda d: -len(d[0])):
        fsync_dir(Path(directory))


def make_read_only(root: Path) -> None:
    """A bag is never modified: its files are made read-only (0444)."""
    for directory, _, names in os.walk(root):
        for name in names:
            os.chmod(os.path.join(directory, name), 0o444)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
