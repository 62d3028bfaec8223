"""Shared bench helpers: shared-data paths, metrics, and the Lucene peer subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# LANTAI_SHARED_DATA points at the shared test data when it is not beside this clone.
SHARED = Path(os.environ.get("LANTAI_SHARED_DATA") or ROOT.parent / "shared" / "data")
# LANTAI_BENCH_OUT moves the generated corpora and indexes (the CI smoke run uses a temp dir).
OUT = Path(os.environ.get("LANTAI_BENCH_OUT") or ROOT / "bench" / "out") / "search"
LUCENE_PY = ROOT / "bench" / "out" / "venv-lucene" / "bin" / "python"
JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"


def require(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"skipped: {path} is absent (the shared test data is not next to this clone)")
    return path


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def mrr_recall(runs: dict[str, list[str]], qrels: dict[str, set[str]], k: int = 10):
    mrr = recall = 0.0
    for qid, relevant in qrels.items():
        ranked = runs.get(qid, [])[:k]
        for rank, doc_id in enumerate(ranked, 1):
            if doc_id in relevant:
                mrr += 1.0 / rank
                break
        recall += len(relevant & set(ranked)) / len(relevant)
    n = max(len(qrels), 1)
    return mrr / n, recall / n


def lucene_available() -> str | None:
    """None when the peer can run, else the reason it cannot."""
    if not LUCENE_PY.exists():
        return f"{LUCENE_PY} missing (make that venv; pip install pyserini==0.22.1 into it)"
    if not Path(JAVA_HOME).exists():
        return f"Java 17 not found at {JAVA_HOME}"
    return None


def run_lucene(config: dict) -> dict:
    """Run bench/search/_lucene.py under the Lucene venv; returns its JSON result."""
    OUT.mkdir(parents=True, exist_ok=True)
    cfg_path = OUT / f"lucene-{os.getpid()}-{time.time_ns()}.json"
    config = {**config, "out": str(cfg_path.with_suffix(".out.json"))}
    cfg_path.write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "JAVA_HOME": JAVA_HOME}
    script = Path(__file__).with_name("_lucene.py")
    subprocess.run([str(LUCENE_PY), str(script), str(cfg_path)], check=True, env=env)
    return json.loads(Path(config["out"]).read_text(encoding="utf-8"))


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
