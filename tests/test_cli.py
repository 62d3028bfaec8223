"""The `lantai` command: bad input gives one clear line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.processes import run_lantai


def assert_one_clear_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("错误")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_invalid_setting_value_gives_one_line(tmp_path):
    result = run_lantai(tmp_path / "var", "fonds", "list", LANTAI_DEBUG="maybe")
    assert_one_clear_line(result, "LANTAI_DEBUG", "true")


def test_unreachable_database_gives_one_line(tmp_path):
    url = "postgres://postgres:hunter2@127.0.0.1:1/lantai"
    result = run_lantai(tmp_path / "var", "fonds", "list", LANTAI_DATABASE_URL=url)
    assert_one_clear_line(result, "无法连接数据库", "LANTAI_DATABASE_URL")
    assert "hunter2" not in result.stderr


def test_malformed_refcode_gives_one_line_naming_the_part(tmp_path):
    result = run_lantai(
        tmp_path / "var", "review", "decide", "J001-WS·20-Y-BGS-0001", "open", "--reason", "x"
    )
    assert_one_clear_line(result, "年度", "四位年份")


@pytest.mark.parametrize("args", [["--help"], ["fonds", "--help"], ["demo", "--help"]])
def test_help_works_on_a_fresh_data_dir(args, tmp_path):
    result = run_lantai(tmp_path / "var", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_fresh_data_dir_is_set_up_by_the_first_command(tmp_path):
    added = run_lantai(tmp_path / "var", "fonds", "add", "J009", "测试全宗")
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "var" / "lantai.sqlite3").exists()
    listed = run_lantai(tmp_path / "var", "fonds", "list", "--json")
    assert '"code": "J009"' in listed.stdout


def test_createuser_refuses_two_admin_roles(tmp_path):
    result = run_lantai(
        tmp_path / "var", "createuser", "x", "--role", "sysadmin", "--role", "auditor"
    )
    assert_one_clear_line(result, "三员分立")


def test_audit_verify_exits_nonzero_after_tampering(tmp_path):
    import sqlite3

    assert run_lantai(tmp_path / "var", "fonds", "add", "J009", "测试全宗").returncode == 0
    assert run_lantai(tmp_path / "var", "audit", "verify").returncode == 0
    with sqlite3.connect(tmp_path / "var" / "lantai.sqlite3") as db:
        refused = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert refused.fetchone()[0] >= 4  # the append-only guards exist; an intruder drops them
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f"DROP TRIGGER {name}")
        db.execute("UPDATE audit_auditevent SET actor = 'x' WHERE seq = 1")
    result = run_lantai(tmp_path / "var", "audit", "verify")
    assert result.returncode == 1
    assert "第 1 条" in result.stderr


def test_audit_verify_names_every_break_after_the_log_is_emptied(tmp_path):
    import sqlite3

    data = tmp_path / "var"
    assert run_lantai(data, "fonds", "add", "J009", "测试全宗").returncode == 0
    assert run_lantai(data, "fonds", "add", "J010", "另一全宗").returncode == 0
    with sqlite3.connect(data / "lantai.sqlite3") as db:
        with pytest.raises(sqlite3.IntegrityError, match="只可追加"):
            db.execute("DELETE FROM audit_auditevent")
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f"DROP TRIGGER {name}")
        db.execute("DELETE FROM audit_auditevent")
        db.execute("DELETE FROM audit_chainhead")

    result = run_lantai(data, "audit", "verify", "--json")

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["checked"] == 0
    assert report["problem"] == report["breaks"][0]["message"]
    assert {b["kind"] for b in report["breaks"]} == {"checkpoint"}
    assert report["anchors"]["checkpoints"] >= 2
    text = run_lantai(data, "audit", "verify")
    assert "审计链被破坏：共 1 处" in text.stderr and "末尾事件被删除" in text.stderr


def test_review_propose_needs_a_reason_and_an_existing_refcode(tmp_path):
    result = run_lantai(
        tmp_path / "var", "review", "propose", "J001-WS·2020-Y-BGS-0001", "--reason", "x"
    )
    assert_one_clear_line(result, "不存在")


def test_help_lists_every_command_with_the_first_sentence_of_its_own_help(tmp_path):
    import ast
    from pathlib import Path

    from lantai.cli_help import commands, summary

    listed = commands()
    root = Path(__file__).resolve().parents[1] / "lantai"
    for path in root.glob("**/management/commands/*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        lantai_command = any(
            isinstance(node, ast.ClassDef)
            and any(getattr(base, "id", "") == "LantaiCommand" for base in node.bases)
            for node in tree.body
        )
        assert (path.stem in listed) == lantai_command, path.stem
    assert (
        summary("全宗管理：fonds add 建立全宗；fonds list 列出") == "全宗管理：fonds add 建立全宗"
    )
    shown = subprocess.run(
        [sys.executable, "-m", "lantai", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LANTAI_DATA_DIR": str(tmp_path / "never-created")},
    ).stdout
    for name, text in listed.items():
        assert f"{name:<12}{text}" in shown
    assert not (tmp_path / "never-created").exists()  # --help sets nothing up
