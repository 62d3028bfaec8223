"""A kill -9 while a new package version is written leaves the previous version intact and the
database consistent; a re-run completes it. The real ``lantai`` in child processes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from tests.processes import run_lantai

REF = "J001-WS·2020-Y-BGS-0001"


def rows(data: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data / "lantai.sqlite3") as db:
        return db.execute(sql).fetchall()


def tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            digest.update(p.relative_to(path).as_posix().encode() + p.read_bytes())
    return digest.hexdigest()


def test_kill_during_a_new_version_keeps_the_old_one_and_a_rerun_completes(make_folder, tmp_path):
    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    assert run_lantai(data, "ingest", str(make_folder()), "--fonds", "J001").returncode == 0
    ((item_id, first_path),) = rows(
        data,
        "SELECT v.item_id, v.path FROM preservation_packageversion v JOIN archive_item i "
        f"ON i.id = v.item_id WHERE i.ref_code = '{REF}'",
    )
    first = data / "storage" / first_path
    before = tree_digest(first)

    killed = run_lantai(
        data,
        "review",
        "decide",
        REF,
        "open",
        "--reason",
        "已满期限",
        LANTAI_FAULT_KILL_AT="version-written",
    )
    assert killed.returncode == -9, killed.stderr
    # The decision committed; its version did not: the database knows only version 1 and the
    # outbox still asks for the new one, whatever the disk holds.
    assert rows(data, f"SELECT open_status FROM archive_item WHERE id = {item_id}") == [("open",)]
    assert rows(
        data, f"SELECT number FROM preservation_packageversion WHERE item_id = {item_id}"
    ) == [(1,)]
    assert rows(data, "SELECT COUNT(*) FROM preservation_packageoutbox")[0][0] >= 1
    assert tree_digest(first) == before

    rerun = run_lantai(data, "aip", "refresh")
    assert rerun.returncode == 0, rerun.stderr
    shown = json.loads(run_lantai(data, "aip", "show", REF, "--json").stdout)
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    fixity = run_lantai(data, "fixity", "--json")
    assert fixity.returncode == 0, fixity.stdout
    assert tree_digest(first) == before
