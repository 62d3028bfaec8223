"""``lantai restore SRC``: rebuild an archive from a backup on a fresh machine, then prove it.

Decisions:

- **Only into an empty archive.** The target database is migrated, and the restore is refused
  if it holds any record, fonds or account: a restore never merges into, or overwrites, a
  working archive. Rows that migrations create by themselves (content types, permissions, the
  role groups, the audit head) are replaced by the backup's, whose ids the other rows use.
- **Files first, checked as they are copied**: each stored file is copied with its SHA-256
  computed on the way and compared with the manifest, so a damaged backup is named before
  the database is touched. Then the rows, in one transaction, with constraint checks deferred
  and PostgreSQL's sequences moved past the restored ids.
- **Then proved**: the backup's key and audit checkpoints are put in place (the checkpoints'
  MACs need that key, which this process then uses), start-up recovery completes a batch the
  backup caught between commit and publication, and ``lantai fixity``, ``lantai audit verify``
  and ``lantai reindex`` run; the report says what each found. A backup with an audit chain
  or a store that does not verify restores, but the command exits non-zero and says so.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from lantai.archive.models import Fonds, Item
from lantai.audit.chain import record
from lantai.audit.maintenance import end_maintenance, replace_fresh_log
from lantai.audit.models import AuditEvent, ChainHead
from lantai.preservation.backup import DATABASE_NAME, FORMAT, BackupError, models_in_order
from lantai.preservation.durable import make_read_only
from lantai.preservation.hashing import copy_and_hash


def find_backup(source: Path) -> Path:
    """``source`` is a destination of ``lantai backup`` (its newest backup) or one backup."""
    source = Path(source)
    if (source / "manifest.json").is_file():
        return source
    latest = source / "LATEST"
    if latest.is_file():
        return source / "backups" / latest.read_text().strip()
    raise BackupError(f"「{source}」不是兰台备份：其中没有 LATEST 或 manifest.json")


def _store_of(backup: Path) -> Path:
    return backup.parent.parent / "storage"


def restore(source: Path) -> dict[str, Any]:
    backup = find_backup(source)
    manifest = _manifest(backup)
    call_command("migrate", verbosity=0)
    _require_empty()
    _copy_files(_store_of(backup), manifest["files"])
    loaded = _load(backup / DATABASE_NAME)
    _put_secrets(backup)
    record(
        "restored",
        object_type="preservation.backup",
        object_id=backup.name,
        object_repr=f"备份 {backup.name}",
        detail={"rows": loaded, "files": len(manifest["files"]), "engine": manifest["engine"]},
    )
    return {"backup": backup.name, "rows": loaded, "files": len(manifest["files"]), **_prove()}


def _manifest(backup: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((backup / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"备份「{backup}」的 manifest.json 无法读取：{error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份「{backup}」的格式为 {manifest.get('format')}，本版本只认 {FORMAT}")
    return manifest


def _require_empty() -> None:
    held = {
        "档案": Item.objects.count(),
        "全宗": Fonds.objects.count(),
        "账号": get_user_model().objects.count(),
    }
    if any(held.values()):
        found = "、".join(f"{n} 个{what}" for what, n in held.items() if n)
        raise BackupError(
            f"目标档案馆不是空的（已有{found}）：恢复只能写入新的数据目录和空数据库，"
            "请设置新的 LANTAI_DATA_DIR（及 LANTAI_DATABASE_URL）后重试"
        )


def _copy_files(store: Path, files: list[dict[str, Any]]) -> None:
    root = Path(settings.STORAGE_DIR)
    copied: list[Path] = []
    try:
        for entry in files:
            copied.append(_copy_one(store, root, entry))
    except BaseException:
        for path in copied:  # the fresh store is left as empty as it was
            path.unlink(missing_ok=True)
        raise
    for part in ("aip", "versions"):  # stored files are read-only, as they were written
        if (root / part).is_dir():
            make_read_only(root / part)
    if files:
        os.sync()


def _copy_one(store: Path, root: Path, entry: dict[str, Any]) -> Path:
    source, target = store / entry["path"], root / entry["path"]
    if not source.is_file():
        raise BackupError(f"备份缺少文件「{entry['path']}」：请换用另一份备份")
    target.parent.mkdir(parents=True, exist_ok=True)
    digests, _ = copy_and_hash(source, target, fsync=False)
    if digests["sha256"] != entry["sha256"]:
        target.unlink()
        raise BackupError(
            f"备份中的文件「{entry['path']}」已损坏（SHA-256 不符）：请换用另一份备份"
        )
    return target


def _load(path: Path) -> int:
    count = 0
    with transaction.atomic():
        replace_fresh_log()  # the migrations' own few events give way to the backup's chain
        for model in reversed(models_in_order()):  # raw: no signal may record anything now
            if model not in (AuditEvent, ChainHead):
                model._base_manager.all()._raw_delete(connection.alias)
                for field in model._meta.local_many_to_many:
                    through = field.remote_field.through
                    assert through is not None
                    through._base_manager.all()._raw_delete(connection.alias)
        with (
            connection.constraint_checks_disabled(),
            gzip.open(path, "rt", encoding="utf-8") as rows,
        ):
            for line in rows:
                for obj in serializers.deserialize("python", [json.loads(line)]):
                    obj.save(save_m2m=False)  # raw save: the signals record nothing
                    _links(obj)
                    count += 1
        end_maintenance()
        sequences = connection.ops.sequence_reset_sql(no_style(), models_in_order())
        with connection.cursor() as cursor:
            for statement in sequences:
                cursor.execute(statement)
    return count


def _links(obj: Any) -> None:
    """A restored object's many-to-many rows, written to the link tables directly: adding them
    through the relation would send ``m2m_changed``, which the role guard refuses and the
    audit log would record as new events."""
    model = type(obj.object)
    for name, ids in (obj.m2m_data or {}).items():
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        through._base_manager.bulk_create(
            [through(**{f"{source}_id": obj.object.pk, f"{target}_id": pk}) for pk in ids]
        )


def _put_secrets(backup: Path) -> None:
    key = backup / "secret.key"
    if key.is_file():
        target = Path(settings.DATA_DIR) / "secret.key"
        shutil.copyfile(key, target)
        target.chmod(0o600)
        settings.SECRET_KEY = key.read_text().strip()
    checkpoints = backup / "checkpoints.jsonl"
    if checkpoints.is_file():
        target = Path(settings.AUDIT_CHECKPOINTS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(checkpoints, target)
        target.chmod(0o600)


def _prove() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, args in (
        ("fixity", ["fixity", "--json"]),
        ("audit", ["audit", "verify", "--json"]),
        ("reindex", ["reindex"]),
    ):
        out = io.StringIO()
        try:
            call_command(*args, stdout=out, stderr=io.StringIO())
            results[name] = {"ok": True}
        except SystemExit as stopped:
            results[name] = {"ok": stopped.code in (0, None)}
        text = out.getvalue().strip()
        if text.startswith("{"):
            with contextlib.suppress(ValueError):
                results[name]["report"] = json.loads(text.splitlines()[-1])
    return results
