"""档号 allocation is unique and gap-free per group, also under concurrent allocators."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from lantai.archive.allocation import allocate, reserve_existing
from lantai.archive.models import Fonds

PARTS = {"category": "WS", "year": "2020", "retention": "Y", "org": "BGS"}


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused():
    fonds = Fonds.objects.create(code="J001", name="x")
    with pytest.raises(RuntimeError, match="事务"):
        allocate(fonds, PARTS)


@pytest.mark.django_db(transaction=True)
def test_numbers_run_from_one_without_gaps_per_group():
    fonds = Fonds.objects.create(code="J001", name="x")
    with transaction.atomic():
        first = allocate(fonds, PARTS, 3)
        other_year = allocate(fonds, {**PARTS, "year": "2021"})
        fourth = allocate(fonds, PARTS)
    assert first == [f"J001-WS·2020-Y-BGS-000{n}" for n in (1, 2, 3)]
    assert other_year == ["J001-WS·2021-Y-BGS-0001"]
    assert fourth == ["J001-WS·2020-Y-BGS-0004"]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_allocation_leaves_no_gap():
    fonds = Fonds.objects.create(code="J001", name="x")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        allocate(fonds, PARTS)
        1 / 0  # noqa: B018 — the caller fails after allocating
    with transaction.atomic():
        assert allocate(fonds, PARTS) == ["J001-WS·2020-Y-BGS-0001"]


@pytest.mark.django_db(transaction=True)
def test_transferred_codes_move_the_counter_forward():
    fonds = Fonds.objects.create(code="J001", name="x")
    with transaction.atomic():
        reserve_existing(fonds, "J001-WS·2020-Y-BGS-0007")
        assert allocate(fonds, PARTS) == ["J001-WS·2020-Y-BGS-0008"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocators_get_unique_gap_free_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is tested on PostgreSQL (SQLite serialises writers)")
    fonds = Fonds.objects.create(code="J001", name="x")
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(10):
                with transaction.atomic():
                    results.extend(allocate(fonds, PARTS))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in results)
    assert numbers == list(range(1, 81))
