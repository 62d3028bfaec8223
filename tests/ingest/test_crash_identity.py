"""kill -9 after a batch committed, or between its chunks, then re-runs: exactly one copy.

Real `lantai` commands in child processes on their own SQLite data directory (as test_crash).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.ingest.builders import row
from tests.ingest.test_crash import count
from tests.processes import run_lantai


def staff_total(data: Path, query: str) -> int:
    found = run_lantai(data, "search", query, "--as", "staff", "--json")
    assert found.returncode == 0, found.stderr
    return json.loads(found.stdout)["total"]


def test_kill_after_commit_then_two_reruns_leave_one_copy_and_search_finds_it(
    make_folder, tmp_path
):
    folder = make_folder(rows=[row(n) for n in range(1, 7)])
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0

    killed = run_lantai(
        data, "ingest", str(folder), "--fonds", "J001", LANTAI_FAULT_KILL_AT="after-commit"
    )
    assert killed.returncode == -9
    assert count(data, "archive_item") == 6

    for _ in range(2):
        rerun = run_lantai(data, "ingest", str(folder), "--fonds", "J001", "--json")
        assert rerun.returncode == 0, rerun.stderr
        report = json.loads(rerun.stdout)
        assert report["already_received"] is True and report["status"] == "accepted"
    plain = run_lantai(data, "ingest", str(folder), "--fonds", "J001")
    assert f"已接收：批次 {report['batch']}（此前已接收入库，本次未作改动）" in plain.stdout

    assert count(data, "archive_item") == 6
    assert count(data, "archive_transferbatch") == 1
    assert not any((data / "storage" / "staging").iterdir())  # published by recovery
    assert staff_total(data, "第5项工作") == 1


def test_kill_after_commit_without_rerun_the_next_search_catches_up(make_folder, tmp_path):
    folder = make_folder(rows=[row(n) for n in range(1, 4)])
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    killed = run_lantai(
        data, "ingest", str(folder), "--fonds", "J001", LANTAI_FAULT_KILL_AT="after-commit"
    )
    assert killed.returncode == -9
    assert count(data, "search_searchoutbox") == 3
    assert staff_total(data, "第2项工作") == 1


def test_kill_between_chunks_is_undone_by_the_next_ingest(make_folder, tmp_path):
    rows = [row(n, 档号="") | {"门类": "WS", "机构问题": "BGS"} for n in range(1, 7)]
    folder = make_folder(rows=rows)
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    killed = run_lantai(
        data,
        "ingest",
        str(folder),
        "--fonds",
        "J001",
        LANTAI_INGEST_CHUNK="2",
        LANTAI_FAULT_KILL_AFTER="4",
    )
    assert killed.returncode == -9
    assert count(data, "archive_item") == 2  # the first chunk committed, its batch receiving

    rerun = run_lantai(data, "ingest", str(folder), "--fonds", "J001", "--json")
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["status"] == "accepted" and not report["already_received"]
    assert sorted(r["ref_code"] for r in report["records"]) == [
        f"J001-WS·2020-Y-BGS-000{n}" for n in range(1, 7)
    ]
    assert count(data, "archive_item") == 6
    with sqlite3.connect(data / "lantai.sqlite3") as db:
        states = sorted(s for (s,) in db.execute("SELECT state FROM archive_transferbatch"))
        rolled = db.execute(
            "SELECT COUNT(*) FROM audit_auditevent WHERE action='ingest_rolled_back'"
        ).fetchone()[0]
    assert states == ["aborted", "accepted"] and rolled == 1
    assert run_lantai(data, "audit", "verify").returncode == 0


# Runs an ingest in-process; between chunks another connection writes with no busy wait at all,
# which fails at once if the ingest holds the write lock across chunks.
WRITE_BETWEEN_CHUNKS = """
import sqlite3, sys, django
django.setup()
from django.conf import settings
from lantai.ingest.batch import ingest
wrote = []
def progress(stage, done, total):
    if stage == "写入存档包" and done < total:
        db = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0)
        db.execute("CREATE TABLE IF NOT EXISTS heartbeat (n INTEGER)")
        db.execute("INSERT INTO heartbeat VALUES (1)")
        db.commit()
        wrote.append(done)
report = ingest(sys.argv[1], fonds_code="J001", progress=progress)
print(report.status, len(wrote))
"""


def test_another_process_can_write_while_an_ingest_is_between_chunks(make_folder, tmp_path):
    folder = make_folder(rows=[row(n) for n in range(1, 5)])
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    env = {k: v for k, v in __import__("os").environ.items() if k != "LANTAI_DATABASE_URL"}
    env.update(
        LANTAI_DATA_DIR=str(data),
        LANTAI_INGEST_CHUNK="1",
        DJANGO_SETTINGS_MODULE="lantai.settings",
    )
    child = subprocess.run(
        [sys.executable, "-c", WRITE_BETWEEN_CHUNKS, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.split() == ["accepted", "3"]
