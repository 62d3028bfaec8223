"""Running the real `lantai` command in a child process, on its own embedded data directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nobody listens on now, for a server the test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lantai_environ(data_dir: Path, **env: str) -> dict[str, str]:
    """The environment of a child ``lantai`` on ``data_dir`` with SQLite: any database URL the
    test run uses is dropped, so the child never touches the test database."""
    environ = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    environ.update(LANTAI_DATA_DIR=str(data_dir), **env)
    return environ


def run_lantai(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``lantai ARGS`` in :func:`lantai_environ`. A ``LANTAI_FAULT_*`` setting runs it through
    ``tests.faultinject``, which kills it at that moment."""
    environ = lantai_environ(data_dir, **env)
    entry = "lantai"
    if any(name.startswith("LANTAI_FAULT_") for name in env):
        entry = "tests.faultinject"
        environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), environ.get("PYTHONPATH", "")) if p
        )
    return subprocess.run(
        [sys.executable, "-m", entry, *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=180,
        check=False,
    )


# A child process holding SQLite's write lock: ``python -c HOLD_WRITE_LOCK DB SECONDS``; it
# prints ``locked`` once it holds the lock, then commits after SECONDS.
HOLD_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("CREATE TABLE IF NOT EXISTS busy_writer (n INTEGER)")
db.execute("INSERT INTO busy_writer VALUES (1)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""
