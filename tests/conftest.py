"""Shared fixtures: persona users and a small archive, so permission tests read as sentences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lantai.accounts import throttle
from tests.factories import make_fonds, make_item, make_user


def _flush_through_the_audit_guard() -> None:
    """Between transactional tests pytest-django flushes every table, the append-only audit
    table too; its triggers (audit migration 0002) let that through only with the maintenance
    switch on, which this turns on for the flush alone. Tests only: nothing in the product
    empties the audit log."""
    from django.core.management.commands import flush

    original = flush.sql_flush

    def sql_flush(style, connection, *args, **kwargs):
        statements = original(style, connection, *args, **kwargs)
        if not statements:
            return statements
        if connection.vendor == "postgresql":
            return ["SET LOCAL lantai.audit_maintenance = 'on'", *statements]
        return [
            "INSERT INTO lantai_audit_maintenance VALUES ('flush')",
            *statements,
            "DELETE FROM lantai_audit_maintenance",
        ]

    flush.sql_flush = sql_flush


_flush_through_the_audit_guard()


@pytest.fixture
def fonds(db):
    return make_fonds("J001", "兰台区人民政府办公室")


@pytest.fixture
def other_fonds(db):
    return make_fonds("J002", "兰台区卫生健康局")


@pytest.fixture
def public(db):
    """A registered member of the public (no role)."""
    return make_user("citizen")


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def archivist(db, fonds):
    return make_user("archivist", "archivist", fonds=[fonds])


@pytest.fixture
def reviewer(db, fonds):
    return make_user("reviewer", "reviewer", fonds=[fonds])


@pytest.fixture
def sysadmin(db):
    return make_user("sysadmin", "sysadmin")


@pytest.fixture
def secadmin(db):
    return make_user("secadmin", "secadmin")


@pytest.fixture
def auditor(db):
    return make_user("auditor", "auditor")


@pytest.fixture
def open_item(fonds):
    return make_item(fonds, title="公开的道路改造通知", open_status="open")


@pytest.fixture
def closed_item(fonds):
    return make_item(fonds, title="延期开放的人事任免通知", open_status="closed")


@pytest.fixture
def unreviewed_item(fonds):
    return make_item(fonds, title="尚未审核的会议纪要")


@pytest.fixture(autouse=True)
def _fresh_search_index(settings, tmp_path):
    """Each test gets its own index directory and audit checkpoint file (the database is rolled
    back; files are not)."""
    settings.INDEX_DIR = tmp_path / "var" / "index"
    settings.AUDIT_CHECKPOINTS = tmp_path / "var" / "audit" / "checkpoints.jsonl"
    yield
    from lantai.search import indexer

    if indexer._index is not None:
        indexer._index.close()
        indexer._index = None


@pytest.fixture
def clock(monkeypatch):
    """A controllable clock for the throttle: ``clock.advance(minutes=…)`` travels in time."""

    class Clock:
        current = timezone.now()

        def advance(self, **delta):
            self.current += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(throttle, "now", lambda: fake.current)
    return fake
