"""Running the real `lantai` command in a child process, on its own embedded data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_lantai(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``lantai ARGS`` with ``LANTAI_DATA_DIR=data_dir`` on SQLite (any database URL the test
    run uses is dropped, so the child never touches the test database)."""
    environ = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    environ.update(LANTAI_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, "-m", "lantai", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=180,
        check=False,
    )
