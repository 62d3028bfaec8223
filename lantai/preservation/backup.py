"""``lantai backup DEST``: a consistent backup while the server runs, incremental after the first.

Layout of a destination::

    DEST/storage/...                 the store (aip/, versions/, staging/), each file copied once
    DEST/backups/<时间戳>/
      database.jsonl.gz              every row, one JSON object per line (all engines read it)
      manifest.json                  what the backup holds: the audit head, each stored file
                                     with its size and SHA-256, the database file's SHA-256
      secret.key, checkpoints.jsonl  the key that signs the audit checkpoints, and them
    DEST/LATEST                      the newest backup's name

Decisions:

- **Consistent without stopping the server.** The database is read in one transaction (a
  snapshot: repeatable read on PostgreSQL, SQLite's read transaction in WAL mode), and the
  store is copied after it. Stored files are never modified, so everything the snapshot names
  is on disk already, or still in ``staging/`` for a batch committed a moment before its rename
  (copied too; restore completes it as start-up recovery does). Files that arrive later are
  extra, harmless, and in the next backup's manifest.
- **Engine-neutral rows**: Django's ``python`` serialisation written as JSON lines, datetimes
  to the microsecond (the audit chain hashes them), so a SQLite archive restores onto
  PostgreSQL and back. Sessions, queued tasks and the search outbox are not kept: they are
  rebuilt (the index from the records) or expire.
- **Incremental**: a stored file already at the destination with the size the last manifest
  gave keeps that manifest's digest and is not copied or read again; a changed size is copied
  anew. Each backup's manifest lists every file, so any backup restores on its own.
- The key file and the checkpoints are secrets of the archive: the backup directory is 0700
  and those files 0600. Another location (异地备份) is simply a second ``DEST``, e.g. a mounted
  disk of another site, named in ``LANTAI_BACKUP_DESTINATIONS`` for ``lantai backup --all``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import connection, transaction
from django.db.models import Model

from lantai.audit.models import ChainHead
from lantai.preservation.hashing import copy_and_hash

FORMAT = "lantai-backup/1"
DATABASE_NAME = "database.jsonl.gz"
SKIPPED = {
    "sessions.session",
    "search.searchoutbox",
    "django_tasks_db.dbtaskresult",
}
STORE_PARTS = ("aip", "versions", "staging")


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why and what to do."""


def models_in_order() -> list[type[Model]]:
    """Every model with rows to keep, those others point at first."""
    chosen = [
        (config, [m for m in config.get_models() if m._meta.label_lower not in SKIPPED])
        for config in apps.get_app_configs()
    ]
    ordered = serializers.sort_dependencies(chosen, allow_cycles=True)
    return [m for m in ordered if not m._meta.proxy and m._meta.managed]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _rows() -> Iterator[dict[str, Any]]:
    for model in models_in_order():
        queryset = model._default_manager.order_by("pk")
        chunk: list[Model] = []
        for obj in queryset.iterator(chunk_size=2000):
            chunk.append(obj)
            if len(chunk) == 2000:
                yield from serializers.serialize("python", chunk)
                chunk = []
        if chunk:
            yield from serializers.serialize("python", chunk)


def _dump(path: Path) -> dict[str, Any]:
    """All rows into ``path`` from one snapshot; returns the audit head and the row count."""
    count = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = ChainHead.objects.first()
        with gzip.open(path, "wt", encoding="utf-8") as stream:
            for row in _rows():
                stream.write(json.dumps(row, ensure_ascii=False, default=_jsonable) + "\n")
                count += 1
    return {
        "rows": count,
        "audit_head": {"seq": head.last_seq, "hash": head.last_hash} if head else None,
    }


def _previous(destination: Path) -> dict[str, dict[str, Any]]:
    latest = destination / "LATEST"
    if not latest.is_file():
        return {}
    try:
        manifest = json.loads(
            (destination / "backups" / latest.read_text().strip() / "manifest.json").read_text()
        )
    except (OSError, ValueError):
        return {}  # an unreadable last manifest: this backup copies and reads everything
    return {f["path"]: f for f in manifest.get("files", [])}


def _copy_store(destination: Path, known: dict[str, dict[str, Any]]) -> tuple[list[dict], int]:
    root = Path(settings.STORAGE_DIR)
    files, copied = [], 0
    for part in STORE_PARTS:
        for source in sorted((root / part).rglob("*")) if (root / part).is_dir() else []:
            if not source.is_file() or source.is_symlink():
                continue
            relative = source.relative_to(root).as_posix()
            target = destination / "storage" / relative
            size = source.stat().st_size
            seen = known.get(relative)
            if seen and seen["size"] == size and target.is_file() and target.stat().st_size == size:
                files.append(seen)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.chmod(0o644)
            digests, size = copy_and_hash(source, target, fsync=False)  # one sync below
            files.append({"path": relative, "size": size, "sha256": digests["sha256"]})
            copied += 1
    return files, copied


def back_up(destination: Path) -> dict[str, Any]:
    """Write a backup into ``destination``; returns its manifest (with ``copied`` files)."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = destination / "backups" / stamp
    temp = destination / "backups" / f".{stamp}.tmp"
    temp.mkdir(parents=True)
    os.chmod(destination, 0o700)
    try:
        dumped = _dump(temp / DATABASE_NAME)
        files, copied = _copy_store(destination, _previous(destination))
        os.sync()  # every copied file on disk before a manifest names it (one sync, not 97 k)
        _copy_secret(temp / "secret.key", settings.DATA_DIR / "secret.key")
        _copy_secret(temp / "checkpoints.jsonl", Path(settings.AUDIT_CHECKPOINTS))
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": connection.vendor,
            "archive": settings.ARCHIVE_NAME,
            "database": DATABASE_NAME,
            "database_sha256": _sha256(temp / DATABASE_NAME),
            **dumped,
            "files": files,
        }
        (temp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"
        )
        os.rename(temp, folder)
        (destination / "LATEST").write_text(stamp + "\n")
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return {**manifest, "name": stamp, "copied": copied}


def _copy_secret(target: Path, source: Path) -> None:
    if source.is_file():
        shutil.copyfile(source, target)
        os.chmod(target, 0o600)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
