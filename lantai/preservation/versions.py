"""A new version of a record's package, written beside the old ones. Plain Python.

Layout (under the store)::

    versions/<全宗号>/<record id>/v0002/      a BagIt bag, like every AIP
      bagit.txt, bag-info.txt                 External-Identifier (档号), Lantai-Version, …
      manifest-*.txt, tagmanifest-*.txt       SHA-256 and SM3
      data/metadata.json                      this version's whole state (below)
      data/files/<name>                       files new in this version (a derivative), if any

Decisions:

- **A version is whole in what it says, not in what it copies.** ``metadata.json`` holds the
  complete description (:mod:`lantai.archive.description`), the inventory of every file in
  force — each with its digests and the store path of the version that holds it (the ingest
  bag for the originals) — and the PREMIS events since the previous version. Files are never
  copied again: a metadata edit costs one small bag, and the inventory says where each file
  is, as OCFL's inventory does.
- **Chained**: each version names the previous one and the SHA-256 of its ``metadata.json``,
  so a removed, replaced or re-ordered earlier version is detected by reading the newest.
- **Never modified**: the writer refuses an existing target; a bag is written into a temp
  directory beside the target, fsynced, made read-only and renamed into place (one rename),
  so a crash leaves the previous versions and either no new one or a complete one. A complete
  one that the database never registered (the crash came between the rename and the commit)
  is not yet a version of the archive: the caller removes it and writes it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lantai.preservation import premis
from lantai.preservation.aip import METADATA_NAME, StoredFile, _temp_for, _write_tags, _Writer
from lantai.preservation.durable import fsync_dir, fsync_tree, make_read_only
from lantai.preservation.hashing import copy_and_hash
from lantai.preservation.names import storage_path

VERSION_FORMAT = "lantai-aip-version/1"
VERSIONS_DIR = "versions"


class VersionError(RuntimeError):
    """A version could not be written or read; the message names it (Chinese)."""


def version_path(fonds: str, record_id: int, number: int) -> str:
    """The store-relative path of version ``number`` of a record."""
    return f"{VERSIONS_DIR}/{fonds}/{record_id}/v{number:04d}"


@dataclass(frozen=True)
class Contents:
    """What a version says: the description snapshot, the inventory of files already held
    (``name``, ``role``, ``path``, ``size``, ``sha256``, ``sm3``), the PREMIS events since the
    previous version, and ``new_files`` — ``(source, name, role)`` copied into this version and
    added to the inventory."""

    description: dict[str, Any]
    files: list[dict[str, Any]]
    events: list[dict[str, str]]
    new_files: Sequence[tuple[Path, str, str]] = ()


def write_version(
    root: Path,
    relative: str,
    *,
    number: int,
    identifier: str,
    previous: dict[str, str] | None,
    contents: Contents,
) -> str:
    """Write version ``number`` at ``root / relative``; returns its metadata's SHA-256."""
    description, files, events = contents.description, contents.files, contents.events
    new_files = contents.new_files
    target = root / relative
    temp = _temp_for(target)
    try:
        writer = _Writer(temp, durable=True)
        inventory = [dict(f) for f in files]
        payload: list[StoredFile] = []
        for source, name, role in new_files:
            inside = f"data/files/{storage_path(name)}"
            digests, size = copy_and_hash(source, writer.path(inside), fsync=True)
            inventory.append(
                {
                    "name": name,
                    "role": role,
                    "path": f"{relative}/{inside}",
                    "size": size,
                    "sha256": digests["sha256"],
                    "sm3": digests["sm3"],
                }
            )
            payload.append(StoredFile(name, inside, role, size, digests["sha256"], digests["sm3"]))
        moment = premis.now()
        metadata = {
            "format": VERSION_FORMAT,
            "version": number,
            "identifier": {"type": "档号", "value": identifier},
            "previous": previous,
            "description": description,
            "files": inventory,
            "events": [*events, _packaging(moment, number)],
        }
        text = json.dumps(metadata, ensure_ascii=False, indent=2)
        payload.append(writer.text(METADATA_NAME, text, "metadata"))
        extra = {"Lantai-Version": str(number)}
        if previous:
            extra["Lantai-Previous-Version"] = previous["path"]
        _write_tags(writer, payload, identifier, moment, extra)
        fsync_tree(temp)
        make_read_only(temp)
        os.rename(temp, target)
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _packaging(moment: str, number: int) -> dict[str, str]:
    return {
        "eventType": "information package creation",
        "eventDateTime": moment,
        "eventOutcome": "success",
        "eventDetail": f"写入存档包第 {number} 版（著录快照、文件清单与事件），此前各版保持不变",
        "linkingAgent": "Lantai aip versions",
    }


def read_metadata(bag: Path) -> tuple[dict[str, Any], str]:
    """A package's ``metadata.json`` (any version, the ingest bag too) and its SHA-256."""
    path = bag / METADATA_NAME
    try:
        data = path.read_bytes()
        return json.loads(data), hashlib.sha256(data).hexdigest()
    except (OSError, ValueError) as error:
        raise VersionError(f"存档包「{bag}」的 metadata.json 无法读取：{error}") from None
