"""A task's files: its scratch directory and the upload it works on, removed on every outcome,
and the orphans a dead process left, swept when a worker starts (see ``lantai.ingest.worker``,
"Files", for when each is removed and why young uploads are kept).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

# An upload folder no task names yet may belong to a request whose task row has not committed.
ORPHAN_GRACE = dt.timedelta(minutes=10)
READY, RUNNING = "READY", "RUNNING"


def scratch_dir(task_id: object) -> Path:
    return Path(settings.TASK_TEMP_DIR) / str(task_id)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def upload_folders(args_kwargs: object) -> set[Path]:
    """The folders under ``UPLOAD_DIR`` that a task's arguments point into."""
    root = Path(settings.UPLOAD_DIR).resolve()
    folders = set()
    for text in _strings(args_kwargs):
        if "/" not in text and os.sep not in text:
            continue
        try:
            relative = Path(text).resolve().relative_to(root)
        except (ValueError, OSError):
            continue
        if relative.parts:
            folders.add(root / relative.parts[0])
    return folders


def remove_files(task: DBTaskResult, *, uploads: bool) -> None:
    shutil.rmtree(scratch_dir(task.pk), ignore_errors=True)
    if uploads:
        for folder in upload_folders(task.args_kwargs):
            shutil.rmtree(folder, ignore_errors=True)


def sweep_orphans(now: dt.datetime | None = None) -> list[Path]:
    """Remove scratch directories and uploads that no waiting or running task needs."""
    now = now or timezone.now()
    live = list(
        DBTaskResult.objects.filter(status__in=[READY, RUNNING]).only("id", "status", "args_kwargs")
    )
    running = {str(task.pk) for task in live if task.status == RUNNING}
    needed = set().union(*(upload_folders(task.args_kwargs) for task in live))
    recent = DBTaskResult.objects.finished().filter(enqueued_at__gte=now - ORPHAN_GRACE)
    finished = set().union(
        *(upload_folders(t.args_kwargs) for t in recent.only("id", "args_kwargs"))
    )
    removed = []
    for folder in _children(Path(settings.UPLOAD_DIR)):
        if folder.resolve() in needed:
            continue
        if folder.resolve() in finished or _older_than(folder, ORPHAN_GRACE):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in _children(Path(settings.TASK_TEMP_DIR)):
        # A task claimed by a neighbour since ``live`` was read has a brand-new directory.
        if folder.name not in running and _older_than(
            folder, dt.timedelta(seconds=float(settings.WORKER_LEASE_SECONDS))
        ):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except FileNotFoundError:
        return []


def _older_than(path: Path, age: dt.timedelta) -> bool:
    try:
        return time.time() - path.lstat().st_mtime > age.total_seconds()
    except FileNotFoundError:
        return False
