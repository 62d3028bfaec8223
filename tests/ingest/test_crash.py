"""A kill -9 in the middle of a batch leaves nothing behind, and re-running completes it.

These run the real `lantai` command in child processes on their own SQLite data directory.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.ingest.builders import row
from tests.processes import run_lantai


def count(data_dir: Path, table: str) -> int:
    with sqlite3.connect(data_dir / "lantai.sqlite3") as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def payload_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "storage").rglob("*") if p.is_file() and p.name != "ingest.lock"]


def test_kill_mid_batch_leaves_nothing_and_rerun_completes(make_folder, tmp_path):
    folder = make_folder(rows=[row(n) for n in range(1, 7)])
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0

    killed = run_lantai(data, "ingest", str(folder), "--fonds", "J001", LANTAI_FAULT_KILL_AFTER="3")
    assert killed.returncode == -9
    assert count(data, "archive_item") == 0
    assert count(data, "search_searchoutbox") == 0
    # Bags written before the kill sit in staging; nothing reached the AIP store.
    assert not any((data / "storage" / "aip").iterdir())

    rerun = run_lantai(data, "ingest", str(folder), "--fonds", "J001", "--json")
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["status"] == "accepted"
    assert count(data, "archive_item") == 6
    assert not any((data / "storage" / "staging").iterdir())  # the crashed batch was cleaned
    assert len([p for p in payload_files(data) if "data/original" in str(p)]) == 6

    found = run_lantai(data, "search", "第5项工作", "--as", "staff", "--json")
    assert json.loads(found.stdout)["total"] == 1


def test_fixity_names_a_flipped_byte_and_exits_nonzero(make_folder, tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    assert run_lantai(data, "ingest", str(make_folder()), "--fonds", "J001").returncode == 0
    assert run_lantai(data, "fixity").returncode == 0

    victim = next(p for p in payload_files(data) if p.name == "0002.pdf")
    victim.chmod(0o644)
    content = bytearray(victim.read_bytes())
    content[10] ^= 0xFF
    victim.write_bytes(bytes(content))

    result = run_lantai(data, "fixity", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["failed"] == 1
    assert report["failures"][0]["name"] == "0002.pdf"
    assert count(data, "audit_auditevent") > 0
