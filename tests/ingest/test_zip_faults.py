"""Zip faults never cost data or leave the user guessing: bombs, long names, a full temp disk."""

from __future__ import annotations

import errno
import tempfile
import zipfile
from pathlib import Path

import pytest

from lantai.ingest.sources import open_submission
from lantai.ingest.sources import zip as zip_source
from lantai.sip.errors import ServerFault


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _temp_entries() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("lantai-zip-*")}


def test_a_zip_declaring_more_than_the_unpack_limit_is_returned_before_unpacking(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("LANTAI_UNPACK_LIMIT_BYTES", "1000")
    archive = _zip(tmp_path / "大包.zip", {f"f{i}.txt": bytes(600) for i in range(3)})
    before = _temp_entries()
    submission = open_submission(archive)
    [problem] = submission.problems
    assert problem.code == "4-8" and problem.file == "大包.zip"
    assert "1,800" in problem.message and "1,000" in problem.message
    assert "LANTAI_UNPACK_LIMIT_BYTES" in problem.message and not submission.items
    assert _temp_entries() == before


def test_many_one_mib_members_of_zeros_are_a_bomb_by_the_overall_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_source, "LIMITS", zip_source.Limits(total_ratio_floor=100 * 1024**2))
    archive = _zip(tmp_path / "bomb.zip", {f"z{i}.bin": bytes(1024**2) for i in range(200)})
    submission = open_submission(archive)
    [problem] = submission.problems
    assert problem.code == "4-8" and "压缩炸弹" in problem.message and "100:1" in problem.message


def test_a_bad_unpack_limit_is_one_line_naming_the_variable(tmp_path, monkeypatch):
    from lantai.env import SettingError, unpack_limit_bytes

    with pytest.raises(SettingError, match="LANTAI_UNPACK_LIMIT_BYTES"):
        unpack_limit_bytes({"LANTAI_UNPACK_LIMIT_BYTES": "50G"})
    assert unpack_limit_bytes({}) == 50 * 1024**3


def test_a_member_name_over_255_bytes_asks_for_a_rename_and_shows_no_temp_path(tmp_path):
    long = "关于" * 50 + ".pdf"  # 304 bytes
    archive = _zip(tmp_path / "a.zip", {"移交/" + long: b"%PDF-1.4"})
    submission = open_submission(archive)
    messages = " ".join(p.message for p in submission.problems)
    assert submission.problems and all(p.code == "4-8" for p in submission.problems)
    assert "改短" in messages and "255" in messages and "损坏" not in messages
    assert tempfile.gettempdir() not in messages and "lantai-zip-" not in messages


def test_a_full_temp_disk_while_unpacking_is_the_servers_fault_and_leaves_nothing(
    tmp_path, monkeypatch
):
    archive = _zip(tmp_path / "a.zip", {"f.txt": b"x" * 100})

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zip_source, "_extract", full)
    before = _temp_entries()
    with pytest.raises(ServerFault) as fault:
        open_submission(archive)
    message = str(fault.value)
    assert "服务器" in message and "TMPDIR" in message and "未作检测" in message
    assert "损坏" not in message and "移交方的问题" in message
    assert _temp_entries() == before


def test_a_zip_larger_than_the_free_temp_space_is_not_judged(tmp_path, monkeypatch):
    archive = _zip(tmp_path / "a.zip", {"f.txt": b"x" * 100})
    real = zip_source.shutil.disk_usage

    def tiny(path):
        return real(path)._replace(free=10)

    monkeypatch.setattr(zip_source.shutil, "disk_usage", tiny)
    with pytest.raises(ServerFault, match="磁盘已满"):
        open_submission(archive)


def test_a_member_longer_than_declared_is_stopped(tmp_path, monkeypatch):
    archive = _zip(tmp_path / "a.zip", {"f.txt": b"x" * 5000})
    with zipfile.ZipFile(archive) as zf:
        info = zf.infolist()[0]
    real_open = zipfile.ZipFile.open

    def lying(self, member, *args, **kwargs):
        stream = real_open(self, member, *args, **kwargs)
        member.file_size = 100  # the header lies after the checks
        return stream

    assert info.file_size == 5000
    monkeypatch.setattr(zipfile.ZipFile, "open", lying)
    submission = open_submission(archive)
    assert any("超过其声明" in p.message for p in submission.problems)


def test_lantai_ingest_exits_75_on_a_full_temp_disk_and_records_no_batch(
    tmp_path, monkeypatch, fonds
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from lantai.archive.models import TransferBatch

    archive = _zip(tmp_path / "a.zip", {"f.txt": b"x" * 100})

    def full(*args, **kwargs):
        raise OSError(errno.EDQUOT, "Disk quota exceeded")

    monkeypatch.setattr(zip_source, "_extract", full)
    with pytest.raises(CommandError) as error:
        call_command("ingest", str(archive), "--fonds", "J001")
    assert error.value.returncode == 75 and "服务器" in str(error.value)
    assert TransferBatch.objects.count() == 0
