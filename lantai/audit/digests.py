"""Field values in the audit log as keyed digests: verifiable by the auditor, never readable.

Decisions:

- **The auditor audits actions, not content** (三员分立): an audit row says who changed which
  field of which record (named by 档号, see :func:`object_name`) and when; a value such as a
  closed record's title or an ID number in its description is kept only as a digest.
- **Keyed (HMAC-SHA256), not a bare SHA-256:** many values are short and structured (an ID
  number, a date, a name), so a bare hash could be reversed by trying every candidate offline.
  The key is derived from ``SECRET_KEY`` (``SECRET_KEY_FALLBACKS`` still verify after a
  rotation), so a digest is checked by asking the server — the auditor's "核对取值" form in the
  admin or ``lantai audit check`` — and cannot be searched from a copy of the log.
- **Per field:** the field's label (``archive.item.title``) is part of the message, so equal
  values in two fields give different digests and a digest cannot be replayed to another field.
- **What stays readable:** control values that are the security event itself and carry no
  record content — flags (booleans), links to other rows (``*_id``) and the status codes in
  :data:`CLEAR_FIELDS`. Secrets (passwords, TOTP keys) are not even digested.
- The digest is a plain string inside the event's ``detail``, so the hash chain covers it.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

PREFIX = "hmac-sha256:"
KEY_SALT = "lantai.audit.value"
SECRET_FIELDS = {"password", "key"}  # "key": a TOTP device's shared secret
SECRET_MARK = "（已更改）"
CLEAR_FIELDS = {"open_status", "state", "category", "retention", "role", "carrier", "script"}


def canonical(value: Any) -> str:
    """The text a value is digested as; what the auditor types to check it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(value)


def _digest(label: str, field: str, value: Any, secret: str) -> str:
    message = f"{label}.{field}\x1f{canonical(value)}"
    mac = salted_hmac(KEY_SALT, message, secret=secret, algorithm="sha256")
    return PREFIX + mac.hexdigest()


def digest(label: str, field: str, value: Any) -> str:
    return _digest(label, field, value, settings.SECRET_KEY)


def shown(label: str, field: str, value: Any) -> Any:
    """How a field's value appears in an audit row."""
    if field in SECRET_FIELDS:
        return SECRET_MARK
    if isinstance(value, bool) or field.endswith("_id") or field in CLEAR_FIELDS:
        return value if isinstance(value, (bool, int, type(None))) else str(value)
    return digest(label, field, value)


def matches(label: str, field: str, value: Any, stored: Any) -> bool:
    """Whether ``value`` is the value behind ``stored`` (a digest or a readable value)."""
    if isinstance(stored, str) and stored.startswith(PREFIX):
        for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
            if hmac.compare_digest(_digest(label, field, value, secret), stored):
                return True
        return False
    return canonical(value) == canonical(stored)


def check_event(event: Any, field: str, value: str) -> dict[str, bool]:
    """Which of an event's recorded values of ``field`` ``value`` matches: old, new (updates)
    or value (creations). Empty when the event recorded no such field."""
    detail, label = event.detail or {}, event.object_type
    if field in (detail.get("changes") or {}):
        old, new = detail["changes"][field]
        return {"old": matches(label, field, value, old), "new": matches(label, field, value, new)}
    if field in (detail.get("fields") or {}):
        return {"value": matches(label, field, value, detail["fields"][field])}
    return {}


def object_name(obj: Any) -> str:
    """How an audit row names an object: records by 档号, never by title."""
    ref_code = getattr(obj, "ref_code", None)
    if ref_code:
        return str(ref_code)
    item = getattr(obj, "item", None) if obj._meta.label_lower == "archive.component" else None
    if item is not None:
        return f"{item.ref_code} 电子文件#{obj.pk}"
    return str(obj)
