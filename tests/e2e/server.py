"""The real demo server in a child process, and Debian's Chromium, for browser tests and
screenshots.

The child runs ``python -m lantai demo`` on a fresh data directory of its own and on its own
SQLite database: every ``LANTAI_*`` variable of the calling environment is dropped (the test
run's database URL, inline tasks, data directory), so the demo behaves as a user would see it —
including the task worker that applies search-index updates a moment after each change.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port

CHROMIUM = Path("/usr/bin/chromium")
# The machine may have no internet: without these Chromium floods refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class DemoServer:
    url: str
    data_dir: Path
    env: dict[str, str]

    def lantai(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        """Run ``lantai ARGS`` against the server's data directory; fails loudly."""
        result = subprocess.run(
            [sys.executable, "-m", "lantai", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=REPO_ROOT,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"lantai {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def create_user(self, username: str, password: str, *roles: str) -> None:
        role_args = [arg for role in roles for arg in ("--role", role)]
        self.lantai(
            "createuser",
            username,
            *role_args,
            "--fonds",
            "J001,J002,J003,Z001",
            "--password-stdin",
            stdin=password + "\n",
        )

    def batch_codes(self) -> list[str]:
        """Codes of the accepted transfer batches (the sample's, one per fonds)."""
        with contextlib.closing(sqlite3.connect(self.data_dir / "lantai.sqlite3")) as db:
            rows = db.execute(
                "SELECT code FROM archive_transferbatch WHERE state = 'accepted' ORDER BY code"
            ).fetchall()
        return [code for (code,) in rows]


def child_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTAI_")}
    env["LANTAI_DATA_DIR"] = str(data_dir)
    return env


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def demo_server(log_dir: Path | None = None) -> Iterator[DemoServer]:
    """Start ``lantai demo`` on a free port, wait for ``/healthz``, stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="lantai-e2e-") as tmp:
        data_dir = Path(tmp) / "data"
        env = child_env(data_dir)
        port = free_port()
        log_path = (log_dir or Path(tmp)) / "demo.log"
        with log_path.open("w+", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "lantai", "demo", "--port", str(port)],
                env=env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: the worker goes with it
            )
            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + START_TIMEOUT_S
                while not _healthy(url):
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(
                            f"lantai demo did not answer {url}/healthz "
                            f"(exit code {process.poll()}):\n{log.read()[-4000:]}"
                        )
                    time.sleep(0.2)
                yield DemoServer(url, data_dir, env)
            finally:
                _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Terminate the demo (it stops its worker on SIGTERM), then kill whatever is left of its
    process group."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
