"""Raw SQL an intruder with database access would run: the append-only triggers are dropped
first, inside the test's transaction, so the rollback at the end of the test restores them."""

from __future__ import annotations

import importlib

from django.db import connection

guards = importlib.import_module("lantai.audit.migrations.0002_append_only")

DROP = {
    "sqlite": [s for s in guards.SQLITE_REVERSE if "TRIGGER" in s],
    "postgresql": [s for s in guards.POSTGRESQL_REVERSE if "TRIGGER" in s],
}


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def tamper(statement: str, *params) -> None:
    """Run ``statement`` as an intruder who first removed the triggers."""
    for drop in DROP[connection.vendor]:
        sql(drop)
    sql(statement, *params)


def restore_guards() -> None:
    """Put the triggers back (after a tamper outside a rolled-back transaction)."""
    create = {"sqlite": guards.SQLITE, "postgresql": guards.POSTGRESQL}[connection.vendor]
    for statement in [*DROP[connection.vendor], *create]:
        sql(statement)
