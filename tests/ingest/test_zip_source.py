"""Zip archives (lantai.ingest.sources.zip): unpacked safely, then read as what they contain."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from lantai.ingest.sources import open_submission
from lantai.ingest.sources import zip as zip_source
from tests.ingest.builders import pdf_bytes, row, write_csv


def zip_folder(folder: Path, target: Path, *, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, prefix + str(path.relative_to(folder)))
    return target


def test_zip_of_a_folder_transfer_is_unpacked_and_read(make_folder, tmp_path):
    archive = zip_folder(make_folder(), tmp_path / "移交.zip", prefix="移交包/")
    with open_submission(archive) as submission:
        assert submission.kind == "zip" and submission.declared["contains"] == "folder"
        assert not submission.problems
        assert len(submission.items) == 3
        assert submission.items[0].files[0].path.read_bytes().startswith(b"%PDF")
        temp = submission.cleanup[0]
    assert not temp.exists()  # close() removed the unpacked tree


def raw_zip(target: Path, members: dict[str, bytes], *, mode: int | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return target


def test_zip_with_parent_path_entry_is_refused(tmp_path):
    archive = raw_zip(tmp_path / "a.zip", {"目录.csv": b"x", "../evil.txt": b"x"})
    submission = open_submission(archive)
    assert not submission.items
    assert any(p.file == "../evil.txt" and p.code == "4-8" for p in submission.problems)
    assert not (tmp_path / "evil.txt").exists()


def test_zip_with_absolute_path_entry_is_refused(tmp_path):
    submission = open_submission(raw_zip(tmp_path / "a.zip", {"/etc/cron.d/x": b"x"}))
    assert any("绝对路径" in p.message for p in submission.problems)


def test_zip_with_symlink_entry_is_refused(tmp_path):
    archive = raw_zip(tmp_path / "a.zip", {"link": b"/etc/passwd"}, mode=stat.S_IFLNK | 0o777)
    submission = open_submission(archive)
    assert any(p.file == "link" and "符号链接" in p.message for p in submission.problems)


def test_zip_with_device_entry_is_refused(tmp_path):
    archive = raw_zip(tmp_path / "a.zip", {"dev": b""}, mode=stat.S_IFCHR | 0o600)
    assert any("设备文件" in p.message for p in open_submission(archive).problems)


def test_zip_bomb_is_refused_by_ratio_before_unpacking(tmp_path):
    archive = raw_zip(tmp_path / "bomb.zip", {"zeros.txt": bytes(20 * 1024 * 1024)})
    submission = open_submission(archive)
    [problem] = submission.problems
    assert problem.code == "4-8" and "压缩炸弹" in problem.message and not submission.items


def test_zip_over_total_size_or_entry_limit_is_refused(tmp_path, monkeypatch):
    archive = raw_zip(tmp_path / "a.zip", {f"{n}.txt": b"x" * 100 for n in range(5)})
    monkeypatch.setattr(zip_source, "LIMITS", zip_source.Limits(entries=3))
    assert "条目" in open_submission(archive).problems[0].message
    monkeypatch.setattr(zip_source, "LIMITS", zip_source.Limits(total_bytes=300))
    assert "超过上限" in open_submission(archive).problems[0].message


def test_zip_with_gbk_names_without_utf8_flag_is_decoded(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "通知.pdf").write_bytes(pdf_bytes())
    write_csv(folder / "目录.csv", [row(1, 文件名="通知.pdf")])
    target = tmp_path / "gbk.zip"
    # Windows tools write GBK bytes without the UTF-8 flag; zipfile cannot, so write ASCII
    # placeholders of the same byte length and patch the name bytes in.
    placeholders = {"通知.pdf": b"XXXX.pdf", "目录.csv": b"YYYY.csv"}
    with zipfile.ZipFile(target, "w") as archive:
        for name, placeholder in placeholders.items():
            archive.writestr(placeholder.decode(), (folder / name).read_bytes())
    data = target.read_bytes()
    for name, placeholder in placeholders.items():
        data = data.replace(placeholder, name.encode("gbk"))
    target.write_bytes(data)
    with open_submission(target) as submission:
        assert not submission.problems
        assert submission.items[0].files[0].name == "通知.pdf"
        assert any("GBK" in w for w in submission.warnings)


def test_corrupt_zip_names_the_file(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04" + b"\0" * 50)
    submission = open_submission(tmp_path / "bad.zip")
    assert submission.problems and submission.problems[0].file == "bad.zip"


@pytest.mark.parametrize("name", ["..\\evil.txt", "C:\\evil.txt"])
def test_zip_with_windows_escape_is_refused(tmp_path, name):
    submission = open_submission(raw_zip(tmp_path / "a.zip", {name: b"x"}))
    assert submission.problems and not submission.items
