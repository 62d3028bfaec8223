"""``/healthz``: whether this server can serve and its tasks have a worker (load balancers,
smoke tests). It lives with the server it reports on (``lantai.runtime.server``)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from lantai.ingest.worker import worker_health
from lantai.runtime.server import supervised_worker


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers and tasks have a worker; load balancers and smoke tests.

    ``worker`` is ``ok`` (a fresh heartbeat, or this server's worker starting), ``dead`` (503:
    the worker ``serve`` supervises is down, or tasks wait and no worker anywhere has beaten
    within a lease period), ``none`` (no worker anywhere, nothing waiting: a ``--no-worker``
    site is healthy until work waits) or ``inline`` (tasks run in the request). See
    :func:`lantai.ingest.worker.worker_health`.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        worker = worker_health(supervised_worker())
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if worker == "dead":
        return JsonResponse({"status": "error", "worker": worker}, status=503)
    return JsonResponse({"status": "ok", "worker": worker})
