"""``lantai fonds set CODE --number-width N``: widening only, old 档号 untouched, audited."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from lantai.archive.allocation import allocate
from lantai.archive.models import Fonds
from lantai.audit.models import AuditEvent

PARTS = {"category": "WS", "year": "2020", "retention": "Y", "org": "BGS"}


@pytest.fixture
def j001(db) -> Fonds:
    return Fonds.objects.create(code="J001", name="测试全宗")


def test_widening_records_one_audit_event_with_old_and_new_width(j001, capsys):
    call_command("fonds", "set", "j001", "--number-width", "5")
    j001.refresh_from_db()
    assert j001.number_width == 5
    event = AuditEvent.objects.filter(action="fonds_number_width").get()
    assert event.detail == {"from": 4, "to": 5} and event.object_id == str(j001.pk)
    assert "由 4 位加宽为 5 位" in capsys.readouterr().out


def test_narrowing_is_refused_in_chinese_and_changes_nothing(j001):
    j001.number_width = 5
    j001.save()
    with pytest.raises(CommandError, match=r"件号位数只能加宽.*现为 5 位，不能改为 4 位"):
        call_command("fonds", "set", "J001", "--number-width", "4")
    j001.refresh_from_db()
    assert j001.number_width == 5
    assert not AuditEvent.objects.filter(action="fonds_number_width").exists()


def test_a_width_beyond_eight_and_an_unknown_fonds_are_refused(j001):
    with pytest.raises(CommandError, match="1 到 8"):
        call_command("fonds", "set", "J001", "--number-width", "9")
    with pytest.raises(CommandError, match="J404 不存在"):
        call_command("fonds", "set", "J404", "--number-width", "5")


def test_after_widening_counters_continue_and_new_groups_use_the_new_width(j001):
    with transaction.atomic():
        old = allocate(j001, PARTS, 2)
    call_command("fonds", "set", "J001", "--number-width", "5")
    j001.refresh_from_db()
    with transaction.atomic():
        assert allocate(j001, PARTS) == ["J001-WS·2020-Y-BGS-00003"]
        assert allocate(j001, {**PARTS, "year": "2021"}) == ["J001-WS·2021-Y-BGS-00001"]
    assert old == ["J001-WS·2020-Y-BGS-0001", "J001-WS·2020-Y-BGS-0002"]
    assert j001.grammar.spellings(old[0])[:2] == [
        "J001-WS·2020-Y-BGS-1",
        "J001-WS·2020-Y-BGS-01",
    ]
