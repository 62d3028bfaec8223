"""Requests over ``LANTAI_UPLOAD_MAX_BYTES`` get the portal's Chinese 413, never a framework's.

Decisions:

- **The limit is on the whole request body**, the one size a server can know from the headers
  before it reads a byte (a form's fields and boundaries add a few hundred bytes to the file).
  Default 2 GiB; bigger transfers go through ``lantai ingest`` on the server, which reads the
  folder or zip in place.
- **Answered before the body is read, at every layer.** ``lantai serve`` (waitress) answers from
  the headers before receiving the body and instead of ``100 Continue``
  (:mod:`lantai.runtime.waitress_limit`); this middleware answers for any other WSGI server and
  the test client from ``CONTENT_LENGTH`` before anything parses the body; the upload form
  shows the limit and its script refuses a bigger file before the browser sends it.
- **The page is the portal's own** (``portal/errors/413.html``, in the portal's frame, Chinese
  first, naming the limit and the way to send a bigger transfer), whichever layer caught it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

TOO_LARGE_KEY = "lantai.request_too_large"  # set in the environ by the waitress layer


def limit_text(limit: int | None = None) -> str:
    """The limit as people read it: ``2.0 GB``."""
    return str(filesizeformat(settings.UPLOAD_MAX_BYTES if limit is None else limit))


def declared_length(meta: dict) -> int:
    try:
        return max(int(meta.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large(request: HttpRequest) -> HttpResponse:
    context = {"limit": limit_text(), "limit_bytes": settings.UPLOAD_MAX_BYTES}
    return render(request, "portal/errors/413.html", context, status=413)


class UploadLimitMiddleware:
    """Answer 413 from the declared length (or the server's mark) before the body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get(TOO_LARGE_KEY) or (
            declared_length(request.META) > settings.UPLOAD_MAX_BYTES
        ):
            return too_large(request)
        return self.get_response(request)
