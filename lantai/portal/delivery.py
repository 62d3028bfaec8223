"""Delivering copies of opened records to the public: watermarked, never the master.

Every copy goes through ``Item.objects.visible_to`` first (a hidden record's file answers 404,
exactly like a missing one). Images are scaled derivatives with a tiled watermark; PDFs are
stamped on every page; text and web pages are delivered as plain text with a watermark header
and footer (web captures are never served as live HTML, so their scripts never run). Each
delivery is an audit event, which is also what utilisation statistics count.

What the copy shows comes from :func:`lantai.access.publication.rendition_for`: a masked item
is delivered, to anyone outside its fonds's staff, as its masked text, unless the reviewer drew
regions on the file (:mod:`lantai.access.regions`): then as the image or PDF with those regions
burnt in. The file name in ``Content-Disposition`` is the masked name too. PDFs are
rebuilt page by page (see ``watermark_pdf``): what was never reviewed does not travel along.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TypedDict
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from lantai.access.pdfpages import PageError, redact_pdf
from lantai.access.publication import Rendition, full_rendition, public_rendition
from lantai.access.regions import boxes_by_page
from lantai.access.watermark import WatermarkError, watermark_image, watermark_pdf, watermark_text
from lantai.archive.models import Component, Item
from lantai.archive.visibility import sees_unredacted
from lantai.audit.chain import record

IMAGE_TYPES = {"image/jpeg", "image/tiff", "image/png"}


def viewer_name(request: HttpRequest) -> str:
    return request.user.get_username() if request.user.is_authenticated else "公众"


def _component(request: HttpRequest, ref_code: str, component_id: int) -> tuple[Component, bool]:
    """The master component asked for, and whether the requester may read it unredacted."""
    item = get_object_or_404(
        Item.objects.visible_to(request.user).select_related("fonds"), ref_code=ref_code
    )
    component = get_object_or_404(item.components.filter(role="master"), pk=component_id)
    return component, sees_unredacted(request.user, item)


class Mark(TypedDict):
    """Who the copy is for, when and from which archive (the watermark's words)."""

    viewer: str
    when: datetime
    archive: str


def _copy(component: Component, viewer: str, size: int, full: bool) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the watermarked copy."""
    item = component.item
    shown: Rendition = full_rendition(item) if full else public_rendition(item)
    path = Path(settings.STORAGE_DIR) / component.stored_path
    mark = Mark(viewer=viewer, when=timezone.localtime(), archive=settings.ARCHIVE_NAME)
    stem = shown.file_stem(component)
    regions = {} if full else boxes_by_page(component)
    if item.is_redacted and not full and not regions:
        # Without regions drawn on it, an image or PDF cannot be masked for the words: a
        # masked item's file is delivered as its masked text.
        text = watermark_text(shown.body, **mark)
        return text.encode("utf-8"), "text/plain; charset=utf-8", f"{stem}.txt"
    if component.mime_type in IMAGE_TYPES:
        return (
            watermark_image(path, max_side=size, format="JPEG", regions=regions.get(1, ()), **mark),
            "image/jpeg",
            f"{stem}.jpg",
        )
    if component.mime_type == "application/pdf":
        source: Path | bytes = path
        if regions:
            source = redact_pdf(path, regions, rasterise_all=item.is_redacted)
        return watermark_pdf(source, **mark), "application/pdf", f"{stem}.pdf"
    text = _text_of(component)
    return watermark_text(text, **mark).encode("utf-8"), "text/plain; charset=utf-8", f"{stem}.txt"


def _text_of(component: Component) -> str:
    text = component.item.components.filter(
        role="text", original_name__startswith=Path(component.original_name).name
    ).first()
    if text is not None:
        return (Path(settings.STORAGE_DIR) / text.stored_path).read_text("utf-8")
    return component.item.text


@require_safe
def deliver(request: HttpRequest, ref_code: str, component_id: int) -> HttpResponse:
    component, full = _component(request, ref_code, component_id)
    size = 1600 if request.GET.get("size") != "small" else 800
    try:
        content, content_type, name = _copy(component, viewer_name(request), size, full)
    except (WatermarkError, PageError, OSError):
        raise Http404("该文件暂不能提供利用副本") from None
    record(
        "deliver",
        obj=component,
        object_repr=public_rendition(component.item).file_name(component)[:255],
        detail={"item": component.item.ref_code, "viewer": viewer_name(request)},
    )
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response
