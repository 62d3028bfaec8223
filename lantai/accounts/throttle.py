"""Login throttle: refuse sign-in after too many failures for one username or one client IP.

Decisions:

- **Storage is the database** (:class:`lantai.accounts.models.LoginFailure`), so the count is shared
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
- **The username key is the account Django would sign in**, not the bytes typed: the sign-in
  form's ``UsernameField`` applies NFKC (as ``AbstractBaseUser.normalize_username`` does), so
  ``ｒｅｖ１`` (full-width) signs in as ``rev1`` and must be counted, refused and cleared as
  ``rev1``. The key is NFKC + casefold, a superset of what the backend matches (it compares
  case exactly): a spelling in another case cannot reach a second account's lock either.
- **Registration reuses the table** (:func:`registration_wait`): its keys carry a prefix
  (``register:``) so they never count towards a sign-in lock, and a sign-in key never holds
  ``:``, so a typed name cannot count towards a registration lock either.
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

import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from lantai.accounts.models import LoginFailure


def now() -> datetime:
    """The throttle's clock (tests travel in time by replacing this function)."""
    return timezone.now()


def window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def normalise(username: str) -> str:
    """The key a username is counted under: the account it signs in (NFKC, as Django's
    ``UsernameField`` and ``normalize_username`` do); case and surrounding blanks do not make a
    new one."""
    # Cut before normalising: NFKC of a huge string is slow, and no account name is that long.
    folded = unicodedata.normalize("NFKC", (username or "")[:600].strip()).casefold()
    key = unicodedata.normalize("NFKC", folded).strip()[:150]
    # No account name holds ":" (Django's username validator), so nothing real is merged; it
    # keeps a typed "register:<address>" from filling the registration throttle's key.
    return key.replace(":", "\ufffd")


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def seconds_blocked(username: str, ip: str) -> int:
    """0 when a sign-in may be tried; otherwise the seconds until the oldest counted failure
    of the blocking key leaves the window."""
    return _longest(
        [
            ("username", normalise(username), settings.LOGIN_FAILURES_PER_USER),
            ("ip", ip, settings.LOGIN_FAILURES_PER_IP),
        ]
    )


def _longest(keys: list[tuple[str, str, int]]) -> int:
    since = now() - window()
    recent = LoginFailure.objects.filter(at__gte=since)
    waits = []
    for field, value, limit in keys:
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


# Registration ------------------------------------------------------------------------------
# Every registration attempt (valid or not) counts against the client address: the form says
# whether a name is available, so an unthrottled form would let anyone probe for accounts.
# Rows are keyed ``register:<address>`` in the username column (a real account name cannot hold
# ``:``), so they never count towards a sign-in lock.

REGISTER_PREFIX = "register:"


def registration_wait(ip: str) -> int:
    """0 when this address may try to register now; otherwise the seconds to wait."""
    return _longest([("username", REGISTER_PREFIX + ip, settings.REGISTRATIONS_PER_IP)])


def record_registration(ip: str) -> None:
    """Count one registration attempt from ``ip``."""
    at = now()
    _delete("at < %s", [connection.ops.adapt_datetimefield_value(at - window())])
    LoginFailure.objects.bulk_create([LoginFailure(username=REGISTER_PREFIX + ip, ip="", at=at)])
