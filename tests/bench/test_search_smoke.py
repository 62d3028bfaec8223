"""The search benchmarks still run: a small smoke run (the real runs are by hand, see
bench/search/RESULTS.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.shared_data import SHARED_DATA, require_shared_data

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str, out: Path) -> str:
    env = {**os.environ, "LANTAI_BENCH_OUT": str(out), "LANTAI_SHARED_DATA": str(SHARED_DATA)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_speed_bench_builds_a_corpus_and_times_every_query_class(tmp_path):
    require_shared_data("news-xwlb")
    require_shared_data("gov-laws")
    _run("build_corpus.py", "--records", "3000", out=tmp_path)
    printed = _run("speed.py", "--records", "3000", "--no-lucene", out=tmp_path)
    assert "Lantai build: 3000 records" in printed
    assert "public queries run on the public index, unfiltered" in printed
    for label in ("common word", "rare word", "two words", "phrase", "facets+date"):
        assert label in printed
    checked = _run("tiers_check.py", "--records", "3000", out=tmp_path)
    assert "pages differing from exhaustive ranking: 0/1200" in checked
    assert "public index, unfiltered: pages differing from exhaustive: 0/600" in checked
