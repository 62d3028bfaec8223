"""The portal's own error pages: 404, 403, 500 and the CSRF failure (``lantai/urls.py`` and
``CSRF_FAILURE_VIEW``).

Decisions:

- **Chinese first, in the portal's frame.** Each page extends ``portal/base.html`` (header,
  language, footer) and says what happened and what to do next; English follows the browser's
  language like every other page. Django's defaults are bare English.
- **Nothing of the request's internals is shown**: not the exception's message (a 404 must not
  tell a closed record from a missing one; a framework message would be English), not the CSRF
  failure reason (Django shows it only with ``DEBUG``), never a traceback.
- **The 500 page is rendered without the request context**, as Django's own is: the request
  may have failed because the database did, and the header's account links would query it.
  Should even that template fail, a fixed plain-text answer is sent.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

FALLBACK_500 = "服务器内部错误，请稍后再试。 / Server error, please try again later.\n"


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/errors/404.html", status=404)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/errors/403.html", status=403)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/errors/400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form was stale or posted from elsewhere."""
    return render(request, "portal/errors/csrf.html", status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    try:
        body = loader.get_template("portal/errors/500.html").render(
            {"archive_name": settings.ARCHIVE_NAME}
        )
    except Exception:  # the error page must answer whatever else is broken
        logger.exception("the 500 page could not be rendered")
        return HttpResponse(FALLBACK_500, status=500, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=500)
