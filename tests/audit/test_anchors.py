"""The audit log cannot be rewritten in the database, and a rewrite past the triggers is found
from the anchors outside it: signed checkpoints, the head in each package, the records."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction

from lantai.audit.anchors import checkpoint_path, read_checkpoints, write_checkpoint
from lantai.audit.chain import record
from lantai.audit.models import AuditEvent, ChainHead
from lantai.audit.verify import verify
from tests.audit.tamper import sql, tamper
from tests.factories import make_fonds, make_item


@pytest.fixture
def committed(db, django_capture_on_commit_callbacks):
    """Six changes (two of them items), each followed by its checkpoint as after a commit."""
    with django_capture_on_commit_callbacks(execute=True):
        fonds = make_fonds("J001", "兰台区人民政府办公室")
        make_item(fonds, title="第一件")
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            record("note", object_repr=f"事件{n}")
    with django_capture_on_commit_callbacks(execute=True):
        make_item(fonds, title="第二件")
    return AuditEvent.objects.order_by("-seq").first().seq


def _refused(statement: str, *params) -> bool:
    try:
        with transaction.atomic():
            sql(statement, *params)
    except DatabaseError as error:
        return "只" in str(error)
    return False


def test_the_database_refuses_to_edit_or_delete_an_event(committed):
    assert _refused("UPDATE audit_auditevent SET actor = 'intruder' WHERE seq = 1")
    assert _refused("DELETE FROM audit_auditevent WHERE seq = %s", committed)
    assert _refused("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == committed


def test_the_database_refuses_to_move_the_chain_head_back_or_delete_it(committed):
    assert _refused("UPDATE audit_chainhead SET last_seq = last_seq - 1")
    assert _refused("UPDATE audit_chainhead SET last_hash = 'x'")
    assert _refused("DELETE FROM audit_chainhead")
    assert ChainHead.objects.get().last_seq == committed


def test_postgresql_refuses_to_truncate_the_log(committed):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    assert _refused("TRUNCATE audit_auditevent")
    assert _refused("TRUNCATE audit_chainhead")


def test_appending_still_works_under_the_triggers(committed):
    record("note", object_repr="再记一条")
    assert ChainHead.objects.get().last_seq == committed + 1
    assert verify().ok


def test_each_commit_writes_one_signed_checkpoint_with_the_committed_head(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(3):
            record("note", object_repr=f"同一事务{n}")
    lines = checkpoint_path().read_text().splitlines()
    assert len(lines) == 1
    (anchor,) = read_checkpoints()
    head = ChainHead.objects.get()
    assert (anchor.seq, anchor.hash) == (head.last_seq, head.last_hash)
    assert checkpoint_path().stat().st_mode & 0o777 == 0o600


def test_a_rolled_back_change_writes_no_checkpoint(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record("note", object_repr="将被回滚")
        raise RuntimeError
    assert not checkpoint_path().exists()


def test_an_untouched_log_verifies_against_its_checkpoints(committed):
    result = verify()
    assert result.ok, result.breaks
    assert result.anchors["checkpoints"] == 6
    assert not result.warnings


def test_emptying_the_log_and_its_head_is_found(committed):
    tamper("DELETE FROM audit_auditevent")
    tamper("DELETE FROM audit_chainhead")
    result = verify()
    assert not result.ok
    kinds = {b.kind for b in result.breaks}
    assert {"checkpoint", "unrecorded"} <= kinds
    unrecorded = next(b for b in result.breaks if b.kind == "unrecorded")
    assert "2 件档案没有任何审计事件" in unrecorded.message


def test_cutting_the_tail_and_moving_the_head_back_is_found(committed):
    keep = committed - 2
    kept_hash = AuditEvent.objects.get(seq=keep).hash
    tamper("DELETE FROM audit_auditevent WHERE seq > %s", keep)
    tamper("UPDATE audit_chainhead SET last_seq = %s, last_hash = %s", keep, kept_hash)
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == keep + 1
    assert any(f"已到第 {committed} 条" in b.message for b in result.breaks)


def test_a_forged_or_edited_checkpoint_line_is_a_break(committed):
    path = checkpoint_path()
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"seq": committed + 10}
    path.write_text("\n".join([*lines, json.dumps(forged), "not json"]) + "\n")
    messages = [b.message for b in verify().breaks]
    assert f"检查点文件第 {len(lines) + 1} 行签名不符（被伪造或改动）" in messages
    assert f"检查点文件第 {len(lines) + 2} 行无法解析" in messages


def test_checkpoints_signed_before_a_key_rotation_still_verify(committed, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "x" * 40
    assert verify().ok


def test_every_break_is_named_not_only_the_first(committed):
    tamper("UPDATE audit_auditevent SET actor = 'a' WHERE seq = 1")
    tamper("DELETE FROM audit_auditevent WHERE seq = 3")
    tamper("UPDATE audit_auditevent SET object_repr = 'b' WHERE seq = %s", committed)
    result = verify()
    assert [(b.kind, b.seq) for b in result.breaks] == [
        ("content", 1),
        ("gap", 3),
        ("content", committed),
    ]


def test_a_checkpoint_that_cannot_be_written_only_warns(fonds, settings, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.AUDIT_CHECKPOINTS = blocker / "checkpoints.jsonl"
    record("note", object_repr="照常保存")
    write_checkpoint()
    assert "审计检查点未能写入" in caplog.text
    assert AuditEvent.objects.filter(object_repr="照常保存").exists()


def test_without_a_checkpoint_file_verify_warns_and_still_checks_the_chain(fonds):
    record("note", object_repr="升级前的事件")
    result = verify()
    assert result.ok
    assert any("没有检查点文件" in w for w in result.warnings)
