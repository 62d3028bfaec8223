"""What the public sees of an item (公开件): the ONE place masks are applied.

Every public surface — the item page, the home page, the search index (public and staff: an
archivist of another fonds searches it too), the JSON API, the 开放档案目录, the sitemap and
delivered copies — reads an item through :func:`public_rendition`, never through the model's
fields. Staff of the item's own fonds (``policy.sees_unredacted``) read :func:`full_rendition`.

Decisions recorded here:

- A mask word (``Item.masks``, added by a review decision) covers every field the public
  reaches: 题名, 责任者, 文号, 主题词, 摘要, file names and the body. A word masked in the body but
  left in the title would be published by the title; one rule for all fields cannot forget one.
- Matching is :func:`lantai.access.redaction.find_terms`: Traditional/Simplified, width, case,
  phrase variants (瞭解 for 了解) and occurrences split by spaces, U+3000 or line breaks.
- Reviewer-drawn spans (``Item.redactions``) mask the body only (they are offsets into it);
  their output is stored in ``public_text`` and the mask words apply on top of it.
- The rendition is computed when read, from the current fields, so a re-extracted body or an
  edited title is masked with the words in force, never published from a stale copy.
- The body is the extracted text only. The description is a field of its own (reviewed on the
  review page and masked like the body); it is never passed off as the body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lantai.access.redaction import mask_terms


@dataclass(frozen=True, slots=True)
class Rendition:
    """The fields of one item as a given reader may see them."""

    title: str
    creator: str
    doc_number: str
    topics: list[str]
    description: str
    body: str
    masked: bool  # whether any mask applies (the page then says so)
    terms: tuple[str, ...] = field(default=(), repr=False)

    def file_name(self, component: Any) -> str:
        """The component's display name (no sub-folders), masked."""
        return mask_terms(PurePosixPath(component.original_name).name, self.terms)

    def file_stem(self, component: Any) -> str:
        """The masked file name without its extension (delivered copies get their own)."""
        name = PurePosixPath(component.original_name).name
        stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
        return mask_terms(stem, self.terms)


def mask_words(item: Any) -> tuple[str, ...]:
    """The words in force for ``item`` (removed masks excluded)."""
    return tuple(m["term"] for m in item.active_masks if m.get("term", "").strip())


def public_rendition(item: Any) -> Rendition:
    """The item as anyone outside its fonds's staff may see it: every field masked."""
    terms = mask_words(item)
    base = item.public_text if item.redactions else item.text
    return Rendition(
        title=mask_terms(item.title, terms),
        creator=mask_terms(item.creator, terms),
        doc_number=mask_terms(item.doc_number, terms),
        topics=[mask_terms(str(t), terms) for t in item.topics or []],
        description=mask_terms(item.description, terms),
        body=mask_terms(base or "", terms),
        masked=bool(terms) or bool(item.redactions),
        terms=terms,
    )


def full_rendition(item: Any) -> Rendition:
    """The item unmasked, for staff of its own fonds."""
    return Rendition(
        title=item.title,
        creator=item.creator,
        doc_number=item.doc_number,
        topics=[str(t) for t in item.topics or []],
        description=item.description,
        body=item.text,
        masked=False,
    )


def rendition_for(user: Any, item: Any) -> Rendition:
    """The rendition ``user`` may read (the caller has checked that the item is visible)."""
    from lantai.archive.visibility import sees_unredacted

    return full_rendition(item) if sees_unredacted(user, item) else public_rendition(item)
