"""The one way a test reaches ``../shared/data``: found from the main checkout or a worktree,
skipped with a clear message where it is absent — but a failure under ``CI=true``, where the data
is provided and a quiet skip would hide a test that no longer runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _find_shared_data() -> Path:
    """``shared/data`` beside the checkout or beside any folder above it.

    The project workspace keeps it at ``../shared/data`` of the main checkout; a git worktree
    sits deeper (``wt/<name>``), so the nearest ancestor holding ``shared/data`` is used."""
    here = Path(__file__).resolve()
    for parent in here.parents[2:]:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return here.parents[3] / "shared" / "data"


SHARED_DATA = _find_shared_data()


def require_shared_data(name: str = "") -> Path:
    """``SHARED_DATA / name``, or skip with a clear message — but fail under ``CI=true``: CI
    provides the data, so a missing folder there is an error, never a quiet skip."""
    path = SHARED_DATA / name if name else SHARED_DATA
    if path.exists():
        return path
    message = f"共享测试数据不存在（{path}）：该测试需要 ../shared/data"
    if os.environ.get("CI") == "true":
        pytest.fail(message + "（CI 中必须提供）", pytrace=False)
    pytest.skip(message)
    return path
