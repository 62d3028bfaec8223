"""Whether the database and each record's newest package version agree, and whether the
versions themselves are intact (the part of ``lantai fixity`` about versions).

Decisions:

- Checked against what is on disk, not against the digests the database keeps: the newest
  version's ``metadata.json`` is read and its description and file inventory are compared
  with the database's current state, so a package edited behind the archive's back, or a
  database edited behind the package's, both show.
- Every version bag under ``versions/`` is validated as a bag (the same strict validator as
  ingest's); its ``metadata.json`` must have the digest the database registered and name the
  previous version as registered (the chain). The ingest bags (version 1) are validated by
  the store check already, so here they are only read.
- A directory under ``versions/`` that no version names is a break (after the outbox is
  drained, so a version being written is not reported).
- Each problem is a :class:`Problem` naming the record (档号), the version and what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lantai.archive.description import description_of
from lantai.archive.models import Item
from lantai.preservation import versions
from lantai.preservation.bagcheck import validate_bag
from lantai.preservation.models import PackageVersion
from lantai.preservation.packages import inventory

CHUNK = 500


@dataclass
class Problem:
    file: str  # the version's store path (or the record's 档号 when it has none)
    name: str  # the record's 档号
    problem: str


def check(root: Path) -> Iterator[Problem]:
    """Every problem of every record's versions, then the unregistered version bags."""
    last, registered = 0, set[str]()
    while True:
        items = list(
            Item.objects.filter(pk__gt=last)
            .select_related("fonds", "series", "volume")
            .prefetch_related("components", "package_versions")
            .order_by("pk")[:CHUNK]
        )
        if not items:
            break
        last = items[-1].pk
        for item in items:
            chain = sorted(item.package_versions.all(), key=lambda v: v.number)
            registered.update(v.path for v in chain)
            yield from _check_item(root, item, chain)
    yield from _strays(root, registered)


def _check_item(root: Path, item: Item, chain: list[PackageVersion]) -> Iterator[Problem]:
    if not chain:
        yield Problem(
            item.ref_code, item.ref_code, "没有存档包版本：请运行 lantai aip refresh --all 补写"
        )
        return
    previous: PackageVersion | None = None
    newest_metadata: dict | None = None
    for version in chain:
        bag = root / version.path
        own = version.path.startswith(versions.VERSIONS_DIR + "/")
        if own:
            report = validate_bag(bag)
            for error in report.errors:
                yield Problem(version.path, item.ref_code, f"第 {version.number} 版：{error}")
        try:
            metadata, sha256 = versions.read_metadata(bag)
        except versions.VersionError as error:
            if own:  # an unreadable ingest bag is named by the store check already
                yield Problem(version.path, item.ref_code, str(error))
            previous, newest_metadata = version, None
            continue
        if version.metadata_sha256 and sha256 != version.metadata_sha256:
            yield Problem(
                version.path,
                item.ref_code,
                f"第 {version.number} 版的 metadata.json 与登记的摘要不符（已被改动）",
            )
        if previous is not None and metadata.get("previous") != {
            "path": previous.path,
            "metadata_sha256": previous.metadata_sha256,
        }:
            yield Problem(
                version.path,
                item.ref_code,
                f"第 {version.number} 版未指向登记的第 {previous.number} 版（版本链断开）",
            )
        previous, newest_metadata = version, metadata
    yield from _agrees(item, chain[-1], newest_metadata)


def _agrees(item: Item, newest: PackageVersion, metadata: dict | None) -> Iterator[Problem]:
    if metadata is None:
        return
    where = f"第 {newest.number} 版"
    described = metadata.get("description")
    if described is None:
        yield Problem(
            newest.path,
            item.ref_code,
            f"{where}（接收时的存档包）没有著录快照：请运行 lantai aip refresh --all 写入新版本",
        )
        return
    if described != description_of(item):
        yield Problem(
            newest.path,
            item.ref_code,
            f"数据库中的著录与最新存档包（{where}）不一致：请运行 lantai aip refresh",
        )
    in_versions = newest.path.startswith(versions.VERSIONS_DIR + "/")  # else the store check
    if in_versions and metadata.get("files") != inventory(item.components.all()):
        yield Problem(
            newest.path,
            item.ref_code,
            f"数据库中的文件清单与最新存档包（{where}）不一致：请运行 lantai aip refresh",
        )


def _strays(root: Path, registered: set[str]) -> Iterator[Problem]:
    top = root / versions.VERSIONS_DIR
    if not top.is_dir():
        return
    for fonds in sorted(top.iterdir()):
        for record in sorted(fonds.iterdir()) if fonds.is_dir() else [fonds]:
            for bag in sorted(record.iterdir()) if record.is_dir() else [record]:
                relative = bag.relative_to(root).as_posix()
                if relative not in registered and not bag.name.startswith(".lantai-tmp-"):
                    yield Problem(relative, "", "存储中有未登记的存档包版本（不属于任何档案）")
