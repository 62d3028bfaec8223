"""``lantai backup`` and ``lantai restore``: the demo archive backed up on SQLite, restored into
a fresh data directory on PostgreSQL, proves itself (fixity, audit chain) and serves the same
records; a second backup copies only what is new; a damaged backup or a non-empty target is
refused with a message. The real ``lantai`` in child processes."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.processes import run_lantai

PG = os.environ.get("LANTAI_TEST_PG", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "var"
    made = run_lantai(data, "demo", "--no-serve")
    assert made.returncode == 0, made.stderr
    return data


@pytest.fixture
def empty_postgres():
    name = f"lantai_restore_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG + "/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL is not answering at {PG}: {error}")
    admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG}/{name}"
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


def search(data: Path, *extra: str, **env: str) -> list[tuple[str, str]]:
    found = run_lantai(data, "search", "通知", "--json", *extra, **env)
    assert found.returncode == 0, found.stderr
    return [(h["ref_code"], h["title"]) for h in json.loads(found.stdout)["hits"]]


def test_a_sqlite_backup_restores_onto_postgresql_and_serves_the_same_records(
    demo, tmp_path, empty_postgres
):
    made = run_lantai(demo, "backup", str(tmp_path / "备份"), "--json")
    assert made.returncode == 0, made.stderr
    (summary,) = json.loads(made.stdout)
    assert summary["rows"] > 0 and summary["files"] == summary["copied"] > 0

    fresh = tmp_path / "new-machine"
    restored = run_lantai(
        fresh, "restore", str(tmp_path / "备份"), "--json", LANTAI_DATABASE_URL=empty_postgres
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    report = json.loads(restored.stdout.strip().splitlines()[-1])
    assert report["fixity"]["ok"] and report["fixity"]["report"]["failed"] == 0
    assert report["audit"]["ok"] and report["audit"]["report"]["breaks"] == []

    on_postgres = {"LANTAI_DATABASE_URL": empty_postgres}
    assert search(fresh, **on_postgres) == search(demo)  # the public's view
    staff = ("--as", "staff")
    assert search(fresh, *staff, **on_postgres) == search(demo, *staff)


def test_a_second_backup_copies_only_new_files(demo, tmp_path):
    target = str(tmp_path / "备份")
    first = json.loads(run_lantai(demo, "backup", target, "--json").stdout)[0]
    second = json.loads(run_lantai(demo, "backup", target, "--json").stdout)[0]
    assert second["copied"] == 0 and second["files"] == first["files"]
    assert second["backup"] != first["backup"]


def test_a_damaged_backup_is_named_and_nothing_is_restored(demo, tmp_path):
    target = tmp_path / "备份"
    assert run_lantai(demo, "backup", str(target)).returncode == 0
    victim = next(
        p for p in (target / "storage" / "aip").rglob("*") if "original" in p.parts and p.is_file()
    )
    victim.chmod(0o644)
    victim.write_bytes(victim.read_bytes() + b"x")
    fresh = tmp_path / "new-machine"
    refused = run_lantai(fresh, "restore", str(target))
    assert refused.returncode != 0
    assert "已损坏" in refused.stderr and victim.name in refused.stderr
    assert "Traceback" not in refused.stderr
    assert search(fresh, "--as", "staff") == []
    stored = fresh / "storage"
    assert not [p for p in stored.rglob("*") if p.is_file() and p.name != "ingest.lock"]


def test_a_restore_into_a_working_archive_is_refused(demo, tmp_path):
    target = tmp_path / "备份"
    assert run_lantai(demo, "backup", str(target)).returncode == 0
    refused = run_lantai(demo, "restore", str(target))
    assert refused.returncode != 0 and "不是空的" in refused.stderr
