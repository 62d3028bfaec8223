"""The one product path through the audit log's append-only guard: restoring a backup.

Decision: a fresh archive's migrations record a few events of their own (the role groups they
create). A restore replaces that log with the backup's, whose chain the restored records are
explained by — the fresh events would otherwise take the restored sequence numbers. So
:func:`replace_fresh_log` turns the database's maintenance switch on (audit migration 0002) for
one transaction, and only while the archive holds no record, fonds or account, which the
restore checks first; the restore then appends an event of its own to the restored chain.
Nothing else in the product removes an audit row.
"""

from __future__ import annotations

from django.db import connection

from lantai.audit.models import AuditEvent, ChainHead


def replace_fresh_log() -> int:
    """Inside the caller's transaction: remove the fresh archive's own events and head; how
    many events went. The switch stays on until :func:`end_maintenance` (or the transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL lantai.audit_maintenance = 'on'")
        else:
            cursor.execute("INSERT INTO lantai_audit_maintenance VALUES ('restore')")
    removed, _ = AuditEvent.objects.all()._raw_delete(connection.alias), None
    ChainHead.objects.all()._raw_delete(connection.alias)
    return removed or 0


def end_maintenance() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL lantai.audit_maintenance = 'off'")
        else:
            cursor.execute("DELETE FROM lantai_audit_maintenance")
