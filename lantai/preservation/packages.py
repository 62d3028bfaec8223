"""Keeping every record's newest package version in agreement with the database.

Decisions:

- **The state, not the change, decides.** A version is due when the record's state — its
  description (:func:`lantai.archive.description.description_of`) and the inventory of its
  files — differs from the state the newest version holds (``PackageVersion.state_sha256``).
  So every way of changing a record (a form, a bulk action, renumbering, a review decision, a
  mask, attached scans) is covered without each having to say so, and a change undone before
  the version is written writes nothing.
- **An outbox says where to look** (``PackageOutbox``), written in the change's transaction by
  the Item and Component signals and by :func:`enqueue` on the bulk paths that bypass them;
  after commit one task drains it, a command drains it on exit, and ``lantai fixity`` drains
  it before it checks. A crash after commit leaves the rows, so a re-run completes the version.
- A version is written under the record's row lock, inside the transaction that registers it:
  a crash before the commit leaves a complete bag the database does not know, which
  :func:`refresh` removes and writes again (never a half-registered version). Versions are
  numbered per record; the ingest bag is version 1.
- The PREMIS events of a version are the record's audit events since the previous version
  (the audit log stays the authority; the package carries what it needs to be understood
  without the database).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from lantai import faultpoints
from lantai.archive.description import description_of, digest
from lantai.archive.models import Component, Item, TransferBatch
from lantai.audit.labels import action_label
from lantai.audit.models import AuditEvent
from lantai.preservation import premis, versions
from lantai.preservation.aip import remove_partial
from lantai.preservation.durable import remove_tree
from lantai.preservation.models import PackageOutbox, PackageVersion

# PREMIS 3 event types (id.loc.gov/vocabulary/preservation/eventType) of the audit actions.
EVENT_TYPES = {
    "review_decision": "policy assignment",
    "redaction": "redaction",
    "redaction_removed": "redaction",
    "renumber": "metadata modification",
    "update": "metadata modification",
    "create": "creation",
    "attach": "capture",
}


def inventory(components: Iterable[Component]) -> list[dict[str, Any]]:
    """The files in force, as a version lists them (ordered by store path)."""
    rows = [
        {
            "name": c.original_name,
            "role": c.role,
            "path": c.stored_path,
            "size": c.size,
            "sha256": c.sha256,
            "sm3": c.sm3,
        }
        for c in components
    ]
    return sorted(rows, key=lambda row: row["path"])


def state_of(item: Item, components: Iterable[Component] | None = None) -> dict[str, Any]:
    files = item.components.all() if components is None else components
    return {"description": description_of(item), "files": inventory(files)}


def first_version(
    item: Item, aip: Any, batch_code: str, components: list[Component]
) -> PackageVersion:
    """Version 1 of a received record: its ingest bag (``aip``, holding the same snapshot)."""
    return PackageVersion(
        item=item,
        number=1,
        path=f"aip/{batch_code}/{aip.path.name}",
        metadata_sha256=aip.metadata_sha256,
        state_sha256=digest(state_of(item, components)),
    )


def refresh_due(limit: int = 500) -> int:
    """Write the versions the outbox asks for; how many were written."""
    written = 0
    while True:
        rows = list(PackageOutbox.objects.order_by("id").values_list("id", "item_id")[:limit])
        if not rows:
            return written
        for item_id in dict.fromkeys(pk for _, pk in rows):
            if refresh(item_id) is not None:
                written += 1
        PackageOutbox.objects.filter(
            id__lte=rows[-1][0], item_id__in=[pk for _, pk in rows]
        ).delete()


def history(item: Item, root: Path) -> list[dict[str, Any]]:
    """The record's versions, oldest first, each with its PREMIS events read from the package
    (an unreadable package says so in ``error`` rather than hiding the version)."""
    rows = []
    for version in PackageVersion.objects.filter(item=item).order_by("number"):
        row: dict[str, Any] = {
            "version": version.number,
            "path": version.path,
            "written": version.created_at.isoformat(timespec="seconds"),
            "metadata_sha256": version.metadata_sha256,
            "events": [],
        }
        try:
            metadata, _ = versions.read_metadata(root / version.path)
            row["events"] = metadata.get("events", [])
        except versions.VersionError as error:
            row["error"] = str(error)
        rows.append(row)
    return rows


def newest(item: Item) -> PackageVersion | None:
    return PackageVersion.objects.filter(item=item).order_by("-number").first()


def refresh(item_id: int) -> PackageVersion | None:
    """Write a new version of the record's package if its state has changed since the newest
    one; returns the version written, or None when the package already agrees."""
    root = Path(settings.STORAGE_DIR)
    with transaction.atomic():
        item = (
            Item.objects.select_for_update(of=("self",))
            .select_related("fonds", "series", "volume")
            .filter(pk=item_id)
            .first()
        )
        if item is None or (item.batch_id and _receiving(item.batch_id)):
            return None  # a batch still being received is undone or accepted as a whole
        last = newest(item) or _adopt_ingest_bag(item, root)
        state = state_of(item)
        state_sha256 = digest(state)
        if last is not None and last.state_sha256 == state_sha256:
            return None
        number = last.number + 1 if last else 1
        relative = versions.version_path(item.fonds.code, item.pk, number)
        remove_tree(root / relative)  # an unregistered bag a crash left: written again below
        if (root / relative).parent.is_dir():
            remove_partial((root / relative).parent)
        events, seq = _events_since(item, last.audit_seq if last else 0)
        previous = {"path": last.path, "metadata_sha256": last.metadata_sha256} if last else None
        metadata_sha256 = versions.write_version(
            root,
            relative,
            number=number,
            identifier=item.ref_code,
            previous=previous,
            contents=versions.Contents(state["description"], state["files"], events),
        )
        faultpoints.reached("package.version_written", item=item.pk, number=number)
        return PackageVersion.objects.create(
            item=item,
            number=number,
            path=relative,
            metadata_sha256=metadata_sha256,
            state_sha256=state_sha256,
            audit_seq=seq,
        )


def _receiving(batch_id: int) -> bool:
    return TransferBatch.objects.filter(pk=batch_id, state="receiving").exists()


def _adopt_ingest_bag(item: Item, root: Path) -> PackageVersion | None:
    """A record received before packages had versions: its ingest bag becomes version 1 (with
    no state digest, so a version with the current state follows)."""
    stored = item.components.order_by("pk").values_list("stored_path", flat=True).first()
    if not stored or not stored.startswith("aip/"):
        return None
    bag = "/".join(stored.split("/")[:3])
    try:
        _, metadata_sha256 = versions.read_metadata(root / bag)
    except versions.VersionError:
        metadata_sha256 = ""
    return PackageVersion.objects.create(
        item=item, number=1, path=bag, metadata_sha256=metadata_sha256
    )


def _events_since(item: Item, seq: int) -> tuple[list[dict[str, str]], int]:
    rows = AuditEvent.objects.filter(
        object_type="archive.item", object_id=str(item.pk), seq__gt=seq
    ).order_by("seq")
    events, last = [], seq
    for row in rows.iterator():
        last = row.seq
        events.append(
            {
                "eventType": EVENT_TYPES.get(row.action, "metadata modification"),
                "eventDateTime": row.timestamp.isoformat(timespec="seconds"),
                "eventOutcome": row.outcome,
                "eventDetail": f"{action_label(row.action)}（审计日志第 {row.seq} 条）",
                "linkingAgent": row.actor,
            }
        )
    if not events:
        events.append(
            {
                "eventType": "metadata modification",
                "eventDateTime": premis.now(),
                "eventOutcome": "success",
                "eventDetail": "著录或文件清单有变化（批量操作，见审计日志）",
                "linkingAgent": "Lantai",
            }
        )
    return events, last
