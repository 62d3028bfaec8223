"""``/healthz`` tells a load balancer the truth about the task worker, not only the database."""

from __future__ import annotations

import datetime as dt
import sys
import time

import pytest
from django.utils import timezone

from lantai.runtime import server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def heartbeat(age: dt.timedelta) -> None:
    from lantai.ingest.models import WorkerLease

    now = timezone.now()
    WorkerLease.objects.create(
        worker_id=f"w{age.total_seconds():.0f}",
        host="其他主机",
        pid=1234,
        started_at=now - age,
        beat_at=now - age,
    )


def a_task_waits() -> None:
    from lantai.search.tasks import apply_search_outbox

    apply_search_outbox.enqueue()


def test_healthz_says_inline_when_tasks_run_in_the_request(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker": "inline"}


def test_healthz_answers_head_requests(client):
    assert client.head("/healthz").status_code == 200


def test_healthz_is_ok_with_a_fresh_heartbeat_while_tasks_wait(client, queued):
    heartbeat(dt.timedelta(seconds=3))
    a_task_waits()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker": "ok"}


def test_healthz_reports_a_dead_worker_when_tasks_wait_and_no_worker_beats(client, queued):
    heartbeat(dt.timedelta(minutes=10))  # a worker that died long ago
    a_task_waits()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "worker": "dead"}


def test_healthz_of_a_site_without_workers_is_ok_while_nothing_waits(client, queued):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker": "none"}


def test_healthz_reports_the_supervised_worker_down_whatever_the_database_says(
    client, queued, monkeypatch
):
    heartbeat(dt.timedelta(seconds=1))  # another machine's worker is fine
    child = server.Supervisor([sys.executable, "-c", "raise SystemExit(3)"], first_delay=60)
    monkeypatch.setattr(server, "_supervisor", child.start())
    try:
        deadline = time.monotonic() + 30
        while child.alive and time.monotonic() < deadline:
            time.sleep(0.05)
        response = client.get("/healthz")
    finally:
        child.stop()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "worker": "dead"}
