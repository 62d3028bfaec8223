"""Login throttle: refuse sign-in after too many failures for one username or one client IP.

Decisions:

- **Storage is the database** (:class:`lantai.access.models.LoginFailure`), so the count is shared
  by every web worker and node, survives restarts and needs no extra service. Django's database
  cache was the alternative, but its ``incr`` is a read-then-write (not atomic across processes)
  and its table needs a separate ``createcachetable`` step.
- **Sliding window.** A key is blocked while it has ``limit`` or more failures younger than the
  window; refused attempts are *not* recorded, so a lock ends one window after the failure that
  triggered it however often the attacker keeps trying. Blocked requests never reach the
  password check, so even the right password is refused until then.
- **Two keys, two limits.** ``LOGIN_FAILURES_PER_USER`` (default 5) per normalised username and
  ``LOGIN_FAILURES_PER_IP`` (default 20) per client address: a reading room of public terminals
  often shares one address, so the address limit is looser than the per-account one.
- **Client address is ``REMOTE_ADDR``.** ``X-Forwarded-For`` is never trusted here (anyone can
  send it); behind a reverse proxy let the WSGI server rewrite ``REMOTE_ADDR`` (waitress:
  ``trusted_proxy``).
- **No audit noise.** The access app is audited model-by-model; these rows are bookkeeping
  (each failure is already an audited ``login_failed`` event), so they are inserted with
  ``bulk_create`` and deleted with plain SQL, which fire no model signals.
- **Pruning is cheap:** each recorded failure deletes rows older than the window through the
  index on ``at``; a successful sign-in deletes that username's rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from lantai.access.models import LoginFailure


def now() -> datetime:
    """The throttle's clock (tests travel in time by replacing this function)."""
    return timezone.now()


def window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def normalise(username: str) -> str:
    """The key a username is counted under: case and surrounding blanks do not make a new one."""
    return (username or "").strip().casefold()[:150]


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def seconds_blocked(username: str, ip: str) -> int:
    """0 when a sign-in may be tried; otherwise the seconds until the oldest counted failure
    of the blocking key leaves the window."""
    since = now() - window()
    recent = LoginFailure.objects.filter(at__gte=since)
    waits = []
    for field, value, limit in (
        ("username", normalise(username), settings.LOGIN_FAILURES_PER_USER),
        ("ip", ip, settings.LOGIN_FAILURES_PER_IP),
    ):
        if not value:
            continue
        times = list(
            recent.filter(**{field: value}).order_by("-at").values_list("at", flat=True)[:limit]
        )
        if len(times) >= limit:
            waits.append(times[-1] + window() - now())
    if not waits:
        return 0
    return max(1, int(max(waits).total_seconds()) + 1)


def record_failure(username: str, ip: str) -> None:
    """Count one failed attempt and drop rows that have left the window."""
    at = now()
    _delete("at < %s", [connection.ops.adapt_datetimefield_value(at - window())])
    LoginFailure.objects.bulk_create([LoginFailure(username=normalise(username), ip=ip, at=at)])


def clear(username: str) -> None:
    """Forget the failures of a username (after it signed in successfully)."""
    _delete("username = %s", [normalise(username)])


def _delete(where: str, params: list) -> None:
    table = connection.ops.quote_name(LoginFailure._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # fixed SQL, values bound
