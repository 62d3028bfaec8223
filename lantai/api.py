"""The JSON API under ``/api/`` (django-ninja; OpenAPI schema at ``/api/openapi.json``).

Decisions:

- **No interactive docs page.** Ninja's Swagger UI loads its script and styles from a CDN, which
  the Content-Security-Policy (this origin only) blocks and closed archive networks cannot
  reach, so ``/api/docs`` would be a blank page. ``docs_url=None`` turns it off; the schema at
  ``/api/openapi.json`` stays for clients and tools.
- **HEAD is answered wherever GET is**, as on the portal's pages (``require_safe``): ninja
  routes by exact method, so each API view hands a HEAD on as a GET, and the server sends the
  headers only (WSGI servers and Django's test client drop a HEAD response's body).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern
from ninja import NinjaAPI

from lantai.search.api import router as search_router


def _head_as_get(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)  # keeps csrf_exempt and the other view attributes
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "HEAD":
            request.method = "GET"
        return view(request, *args, **kwargs)

    return answer


class PortalAPI(NinjaAPI):
    """NinjaAPI whose URL patterns answer HEAD like GET."""

    @property
    def urls(self) -> tuple[list, str, str]:
        patterns, app_name, namespace = super().urls
        answered = [
            URLPattern(p.pattern, _head_as_get(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        return answered, app_name, namespace


api = PortalAPI(title="兰台 Lantai API", version="1", urls_namespace="api", docs_url=None)
api.add_router("/", search_router)
