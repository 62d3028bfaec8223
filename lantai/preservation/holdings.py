"""The holdings by format, and the files at risk (``lantai formats``), from the database.

One grouped query over the stored originals (``Component`` role ``master``) of the records
held (a voided batch's are not holdings); each group is classified by the format registry
(:mod:`lantai.preservation.registry`). The files at risk are listed by record (档号) and file
name, at most ``limit`` of them, with their total count.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum

from lantai.archive.models import Component
from lantai.archive.visibility import held_condition
from lantai.preservation import registry


def by_format(limit: int = 200) -> dict[str, Any]:
    held = Component.objects.filter(held_condition("item__"), role="master")
    groups = (
        held.values("format_id", "mime_type")
        .annotate(files=Count("pk"), bytes=Sum("size"))
        .order_by("format_id", "mime_type")
    )
    rows: dict[str, dict[str, Any]] = {}
    for group in groups:
        key = registry.key_of(group["format_id"] or "", group["mime_type"] or "")
        row = rows.setdefault(
            key,
            {
                "format": key,
                "label": registry.label(key),
                "standing": registry.standing(key),
                "standing_label": registry.STANDINGS[registry.standing(key)],
                "convert_to": registry.CONVERTED_FORMATS.get(key, ""),
                "puids": [],
                "files": 0,
                "bytes": 0,
            },
        )
        if group["format_id"] and group["format_id"] not in row["puids"]:
            row["puids"].append(group["format_id"])
        row["files"] += group["files"]
        row["bytes"] += group["bytes"] or 0
    formats = sorted(rows.values(), key=lambda r: (-r["files"], r["format"]))
    risky = [r["format"] for r in formats if r["standing"] != "preservation"]
    listed = [
        {
            "ref_code": c.item.ref_code,
            "file": c.original_name,
            "format": key,
            "standing": registry.standing(key),
        }
        for c in held.select_related("item").order_by("item__ref_code", "pk").iterator(2000)
        if (key := registry.key_of(c.format_id or "", c.mime_type or "")) in risky
    ]
    return {
        "formats": formats,
        "at_risk": listed[:limit],
        "at_risk_total": len(listed),
        "files": sum(r["files"] for r in formats),
    }
