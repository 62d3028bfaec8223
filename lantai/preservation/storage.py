"""Where AIPs live, and the two-phase move that makes a batch's files all-or-nothing.

A batch writes its bags under ``staging/<batch code>/``. Only after the database transaction
that creates its records has committed is that one directory renamed to ``aip/<batch code>/``
(a single atomic rename). A crash at any point leaves one of two states, both repaired by
:func:`lantai.ingest.rollback.recover` before the next ingest or fixity run:

- staging exists, the batch is not committed as accepted → the files are removed (the records
  never existed), and the batch can simply be re-run;
- staging exists, the batch is committed as accepted → the rename is completed.

Before that, a batch still marked ``receiving`` (its process died between chunks) is undone:
records, counters and staged files (:func:`lantai.ingest.rollback.abort_unfinished`).

Ingests take an exclusive lock on the store, so recovery never touches a batch in progress.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from lantai.preservation.durable import fsync_dir
from lantai.sip.errors import space_needed, store_disk_full


def store_root() -> Path:
    root = Path(settings.STORAGE_DIR)
    (root / "aip").mkdir(parents=True, exist_ok=True)
    (root / "staging").mkdir(parents=True, exist_ok=True)
    return root


def require_space(sizes: list[int]) -> None:
    """Refuse (:class:`ServerFault`) before anything is written when the store's disk cannot
    hold files of ``sizes`` (with their packages, :func:`errors.space_needed`)."""
    needed = space_needed(sizes)
    if shutil.disk_usage(store_root()).free < needed:
        raise store_disk_full(store_root(), needed)


def staging_dir(batch_code: str) -> Path:
    return store_root() / "staging" / batch_code


def aip_dir(batch_code: str) -> Path:
    return store_root() / "aip" / batch_code


@contextlib.contextmanager
def exclusive(*, wait: bool = True) -> Iterator[bool]:
    """Hold the store lock (one ingest or recovery at a time, across processes); yields whether
    it is held (``wait=False``: False at once when another process holds it)."""
    with (store_root() / "ingest.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(batch_code: str) -> None:
    """Move a committed batch's bags from staging into the AIP store (atomic rename)."""
    source, target = staging_dir(batch_code), aip_dir(batch_code)
    if source.exists():
        os.rename(source, target)
        fsync_dir(target.parent)
