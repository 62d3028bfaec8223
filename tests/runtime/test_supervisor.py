"""``lantai serve`` keeps its task worker alive: restarted with a back-off, reaped, stopped."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lantai.runtime.server import Supervisor
from tests.processes import free_port, lantai_environ, run_lantai

# A child that notes its PID, then exits with code 3 (or, with an argument, sleeps).
CHILD = """
import os, sys, time
with open(sys.argv[1], "a") as pids:
    pids.write(f"{os.getpid()}\\n")
if len(sys.argv) > 2:
    time.sleep(600)
raise SystemExit(3)
"""


def reaped(pid: int) -> bool:
    """The process is gone from the process table: exited *and* waited for (no zombie)."""
    return not Path(f"/proc/{pid}").exists()


def pids_in(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_that_exits_is_reaped_restarted_and_logged(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="lantai.server")
    record = tmp_path / "pids"
    child = Supervisor([sys.executable, "-c", CHILD, str(record)], first_delay=0.2).start()
    try:
        wait_for(lambda: len(pids_in(record)) >= 3)
    finally:
        child.stop()
    first, second, *_ = pids_in(record)
    wait_for(lambda: reaped(first) and reaped(second), timeout=5)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("退出码 3" in w and str(first) in w for w in warnings), warnings
    assert child.restarts >= 2


def test_restarts_back_off(tmp_path):
    record = tmp_path / "pids"
    child = Supervisor([sys.executable, "-c", CHILD, str(record)], first_delay=0.3).start()
    starts = []
    try:
        seen = 0
        while len(starts) < 3:
            count = len(pids_in(record))
            if count > seen:
                starts.append(time.monotonic())
                seen = count
            time.sleep(0.02)
    finally:
        child.stop()
    assert starts[2] - starts[1] > (starts[1] - starts[0]) * 1.4  # 0.3 s, then 0.6 s


def test_stopping_the_supervisor_stops_and_reaps_its_worker(tmp_path):
    record = tmp_path / "pids"
    child = Supervisor([sys.executable, "-c", CHILD, str(record), "sleep"]).start()
    wait_for(lambda: pids_in(record))
    assert child.alive
    child.stop()
    assert not child.alive
    assert reaped(pids_in(record)[0])
    assert child.restarts == 0


def healthz(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def worker_pids(data: Path) -> list[int]:
    try:
        with sqlite3.connect(data / "lantai.sqlite3") as db:
            return [pid for (pid,) in db.execute("SELECT pid FROM ingest_workerlease")]
    except sqlite3.OperationalError:
        return []


@pytest.mark.timeout_sensitive
def test_serve_restarts_a_killed_worker_and_stops_it_on_exit(tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    port = free_port()
    environ = lantai_environ(data, LANTAI_TASKS_INLINE="0", LANTAI_WORKER_HEARTBEAT_SECONDS="1")
    serve = subprocess.Popen(
        [sys.executable, "-m", "lantai", "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: healthz(port) == (200, '{"status": "ok", "worker": "ok"}'), 90)
        wait_for(lambda: len(worker_pids(data)) == 1, 30)
        first = worker_pids(data)[0]
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: worker_pids(data) and first not in worker_pids(data), 60)
        assert reaped(first)
        assert healthz(port)[0] == 200
        second = worker_pids(data)[0]
    finally:
        serve.send_signal(signal.SIGTERM)
        output, _ = serve.communicate(timeout=30)
    assert "SIGKILL" in output and "重启" in output, output
    wait_for(lambda: reaped(second), 15)


@pytest.mark.timeout_sensitive
def test_a_worker_whose_server_was_killed_stops_by_itself(tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    environ = lantai_environ(data, LANTAI_TASKS_INLINE="0", LANTAI_WORKER_HEARTBEAT_SECONDS="1")
    serve = subprocess.Popen(
        [sys.executable, "-m", "lantai", "serve", "--port", str(free_port())],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(worker_pids(data)) == 1, 90)
        orphan = worker_pids(data)[0]
    finally:
        serve.kill()
        serve.wait(timeout=30)
    wait_for(lambda: reaped(orphan), 30)
    assert worker_pids(data) == []  # it withdrew its lease on the way out
