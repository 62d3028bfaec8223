"""Turning a checked submission item into archive records (Item + Components).

Descriptive values come from the catalogue first and from the text pipeline second (a web
capture has no catalogue title; its page does). Legacy 保管期限 wording is kept beside its code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lantai.archive import domains
from lantai.archive.allocation import allocate, reserve_existing
from lantai.archive.models import Component, Fonds, Item, TransferBatch
from lantai.ingest.checks.values import parse_date, parse_int
from lantai.preservation.aip import Aip
from lantai.sip.submission import SubmittedItem
from lantai.text import ExtractResult, detect_script, extract

MAX_TEXT = 2_000_000  # characters kept in the database per item; the AIP keeps all of it


@dataclass
class Extracted:
    """The text pipeline's results for one item's files."""

    texts: dict[str, str]  # original file name → extracted body (stored in the AIP)
    first: ExtractResult | None

    @property
    def body(self) -> str:
        return "\n\n".join(t for t in self.texts.values() if t)[:MAX_TEXT]


def field(item: SubmittedItem, key: str, defaults: dict[str, str]) -> str:
    return (item.fields.get(key) or defaults.get(key) or "").strip()


def item_date(item: SubmittedItem, extracted: Extracted) -> str:
    for candidate in (item.fields.get("date"), item.fields.get("capture_date")):
        parsed = parse_date(candidate or "")
        if parsed:
            return parsed.iso()
    return (extracted.first.date if extracted.first else None) or ""


def _group_parts(item: SubmittedItem, defaults: dict[str, str], date: str) -> dict[str, str]:
    """The 档号 parts but 件号 that a new number is allocated under."""
    parts = {
        "category": domains.normalise_category(field(item, "category", defaults)),
        "year": field(item, "year", defaults) or date[:4],
        "retention": domains.normalise_retention(field(item, "retention", defaults)),
        "org": field(item, "org", defaults),
    }
    return {k: v for k, v in parts.items() if v}


def ref_code_for(fonds: Fonds, item: SubmittedItem, defaults: dict[str, str], date: str) -> str:
    """The given 档号 (normalised, counter moved past it) or a newly allocated one."""
    if item.ref_code:
        parsed = fonds.grammar.parse(item.ref_code)
        reserve_existing(fonds, parsed.text)
        return parsed.text
    return allocate(fonds, _group_parts(item, defaults, date))[0]


def ref_codes_for(
    fonds: Fonds,
    items: list[SubmittedItem],
    extracted: list[Extracted],
    defaults: dict[str, str],
) -> list[str]:
    """Each item's 档号, the same as :func:`ref_code_for` item by item, with one counter
    update per 档号 group instead of one per item (call inside the batch's transaction).

    A group whose items all lack a 档号 gets ``count`` consecutive numbers in one
    :func:`allocate`; a group whose items all carry one moves its counter once, past the
    highest. A group mixing both (rare) is done item by item, in order, exactly as before.
    """
    grammar = fonds.grammar
    plans: list[tuple[str, dict[str, str] | None, str]] = []  # (group, parts to allocate, given)
    for item, texts in zip(items, extracted, strict=True):
        if item.ref_code:
            parsed = grammar.parse(item.ref_code)
            plans.append((parsed.group, None, parsed.text))
        else:
            parts = _group_parts(item, defaults, item_date(item, texts))
            group = grammar.group_of({**parts, "fonds": fonds.code, "number": "0"})
            plans.append((group, parts, ""))
    members: dict[str, list[int]] = {}
    for index, (group, _, _) in enumerate(plans):
        members.setdefault(group, []).append(index)
    codes = [""] * len(plans)
    for indexes in members.values():
        given = [plans[i][2] for i in indexes if plans[i][1] is None]
        if len(given) == len(indexes):
            for i in indexes:
                codes[i] = plans[i][2]
            reserve_existing(fonds, max(given, key=lambda code: grammar.parse(code).number))
        elif not given:
            group_parts = plans[indexes[0]][1]
            assert group_parts is not None  # no row of this group gave its own 档号: all have parts
            allocated = allocate(fonds, group_parts, len(indexes))
            for i, code in zip(indexes, allocated, strict=True):
                codes[i] = code
        else:
            for i in indexes:
                date = item_date(items[i], extracted[i])
                codes[i] = ref_code_for(fonds, items[i], defaults, date)
    return codes


def build_item(
    fonds: Fonds,
    batch: TransferBatch,
    item: SubmittedItem,
    extracted: Extracted,
    defaults: dict[str, str],
    ref_code: str | None = None,
) -> Item:
    """The Item record; ``ref_code`` from :func:`ref_codes_for`, or allocated here when None."""
    date = item_date(item, extracted)
    ref_code = ref_code or ref_code_for(fonds, item, defaults, date)
    parts = fonds.grammar.parse(ref_code).parts
    retention_written = field(item, "retention", defaults) or parts.get("retention", "")
    category = parts.get("category") or domains.normalise_category(
        field(item, "category", defaults)
    )
    title = item.fields.get("title") or (extracted.first.title if extracted.first else "") or ""
    body = extracted.body
    return Item(
        fonds=fonds,
        batch=batch,
        ref_code=ref_code,
        category=category,
        year=int(parts.get("year") or date[:4] or 0),
        org_code=parts.get("org", ""),
        number=int(parts["number"]),
        title=title[:1000] or ref_code,
        creator=_creator(item, extracted)[:500],
        date=date,
        doc_number=field(item, "doc_number", {})[:100],
        retention=domains.normalise_retention(retention_written),
        retention_original=retention_written if retention_written not in domains.RETENTION else "",
        classification=domains.normalise_classification(field(item, "classification", {})),
        pages=parse_int(item.fields.get("pages", "")),
        topics=[t for t in _split(item.fields.get("topics", "")) if t],
        description=field(item, "description", {}),
        source_url=field(item, "url", {})[:2000],
        text=body,
        script=detect_script(body) if body else "none",
    )


def _creator(item: SubmittedItem, extracted: Extracted) -> str:
    """责任者: as catalogued (or declared by a web page's meta tags, see ``sources/warc.py``),
    else the text pipeline's bylines, else its source (来源：…, the site's name)."""
    first = extracted.first
    return (
        field(item, "creator", {})
        or (", ".join(first.authors) if first else "")
        or ((first.source or "") if first else "")
    )


def _split(value: str) -> list[str]:
    for separator in ("；", ";", "，", ",", "、", "|"):
        value = value.replace(separator, ";")
    return [part.strip() for part in value.split(";")]


def build_components(item: Item, aip: Aip, batch_code: str) -> list[Component]:
    """Originals (master) and extracted texts; WARC captures stay in the AIP only (listed in
    its manifests and metadata.json), so no page offers a WARC as the item's file."""
    components = []
    for stored in aip.files:
        if stored.role == "capture":
            continue
        components.append(
            Component(
                item=item,
                role="master" if stored.role == "original" else "text",
                original_name=stored.name,
                stored_path=f"aip/{batch_code}/{aip.path.name}/{stored.path}",
                size=stored.size,
                format_id=stored.puid,
                mime_type=stored.mime,
                sha256=stored.sha256,
                sm3=stored.sm3,
            )
        )
    return components


def _assemble(items: list[SubmittedItem], results: Iterator[ExtractResult]) -> list[Extracted]:
    """Group the text pipeline's results (one per file, in order) by item."""
    extracted = []
    for item in items:
        texts, first = {}, None
        for submitted in item.files:
            result = next(results)
            first = first or result
            if result.body:
                texts[submitted.name] = result.body
        extracted.append(Extracted(texts, first))
    return extracted


def extracted_chunks(
    sources: list[SubmittedItem], size: int
) -> Iterator[tuple[int, list[SubmittedItem], list[Extracted]]]:
    """(start, chunk, texts) for each chunk, in order; one chunk's texts are held at a time.

    Extraction stays in this process: on 2 cores the AIP threads, the database and the index
    already keep more than one core busy, and worker processes measured no faster for plain
    text (5 % for HTML) while adding ~180 MB (see bench/ingest/RESULTS.md)."""
    for start in range(0, len(sources), size):
        chunk = sources[start : start + size]
        paths = (f.path for item in chunk for f in item.files)
        yield start, chunk, _assemble(chunk, map(extract, paths))
