"""A full disk is named, not reported as "内部错误": the command base, the crash-log writer and
the search outbox each recognise it (lantai/faults.py) and keep the archive working."""

from __future__ import annotations

import errno
import logging
import sqlite3

import pytest
from django.db import OperationalError

from lantai.cli_base import LantaiCommand
from lantai.faults import DISK_FULL_EXIT, disk_full
from lantai.search.models import SearchOutbox
from lantai.search.service import search_for
from lantai.search.tasks import apply_if_free
from tests.factories import make_item


class _PgDiskFull(Exception):
    sqlstate = "53100"


def _wrapped_sqlite_full() -> OperationalError:
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError as inner:
            raise OperationalError("database or disk is full") from inner
    except OperationalError as outer:
        return outer


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device", "/srv/lantai/store/a.pdf"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        _wrapped_sqlite_full(),
        _PgDiskFull("could not write block"),
        ValueError(
            "Failed to commit: An IO error occurred: 'No space left on device (os error 28)'"
        ),
    ],
    ids=["enospc", "quota", "sqlite", "postgresql", "search-engine"],
)
def test_every_shape_of_a_full_disk_is_recognised(error):
    assert disk_full(error)


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.EACCES, "Permission denied"),
        OperationalError("database is locked"),
        KeyError("x"),
    ],
)
def test_other_failures_are_not_taken_for_a_full_disk(error):
    assert not disk_full(error)


def _command_failing_with(error: BaseException) -> LantaiCommand:
    class Failing(LantaiCommand):
        short_lived = False

        def handle(self, *args, **options):
            raise error

    return Failing()


def test_a_command_stopped_by_a_full_database_disk_names_the_database_and_exits_75(
    capsys, settings
):
    with pytest.raises(SystemExit) as stopped:
        _command_failing_with(_wrapped_sqlite_full()).run_from_argv(["lantai", "fixity"])
    err = capsys.readouterr().err
    assert stopped.value.code == DISK_FULL_EXIT
    assert err.startswith("磁盘已满：") and "数据库" in err and "内部错误" not in err
    assert "Traceback" not in err


def test_a_command_stopped_by_a_full_store_disk_names_the_file(capsys):
    error = OSError(errno.ENOSPC, "No space left on device", "/srv/lantai/store/J001/a.pdf")
    with pytest.raises(SystemExit) as stopped:
        _command_failing_with(error).run_from_argv(["lantai", "ingest"])
    err = capsys.readouterr().err
    assert stopped.value.code == DISK_FULL_EXIT
    assert "/srv/lantai/store/J001/a.pdf" in err and "请释放空间" in err


def test_the_crash_log_writer_failing_still_leaves_the_user_one_chinese_line(
    capsys, settings, tmp_path
):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    settings.LOG_DIR = blocker / "logs"  # mkdir fails: a file is in the way, as on a full disk
    with pytest.raises(SystemExit) as stopped:
        _command_failing_with(RuntimeError("索引文件损坏")).run_from_argv(["lantai", "audit"])
    err = capsys.readouterr().err
    assert stopped.value.code == 70
    assert err.startswith("内部错误：命令未能完成") and "RuntimeError：索引文件损坏" in err
    assert "Traceback" not in err


@pytest.mark.django_db(transaction=True)
def test_a_full_index_disk_keeps_the_change_and_catches_up_when_space_returns(
    fonds, anonymous, monkeypatch, caplog
):
    monkeypatch.setattr("lantai.search.outbox._defer_to_exit", True)
    make_item(fonds, title="磁盘满时接收的文件", open_status="open")
    full = ValueError("An IO error occurred: 'No space left on device (os error 28)'")

    def no_space(self):
        raise full

    with monkeypatch.context() as disk:
        disk.setattr("lantai.search.SearchIndex.commit", no_space)
        with caplog.at_level(logging.WARNING):
            assert apply_if_free() is False
    assert "检索索引所在磁盘已满" in caplog.text
    assert SearchOutbox.objects.count() == 1  # kept for the catch-up
    assert apply_if_free() is True
    assert SearchOutbox.objects.count() == 0
    assert search_for(anonymous, "磁盘满时接收").total == 1


@pytest.mark.django_db(transaction=True)
def test_the_workers_search_task_waits_out_a_full_index_disk_instead_of_failing(fonds, monkeypatch):
    from lantai.search.tasks import apply_search_outbox

    monkeypatch.setattr("lantai.search.outbox._defer_to_exit", True)
    make_item(fonds, title="等待空间的文件", open_status="open")

    def no_space(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("lantai.search.SearchIndex.commit", no_space)
    assert apply_search_outbox.call() == 0
    assert SearchOutbox.objects.count() == 1


@pytest.fixture
def sqlite_disk(settings, monkeypatch, tmp_path):
    """The embedded database on a disk whose free space the test sets (``disk.free = …``)."""
    from lantai import faults

    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "lantai.sqlite3"),
        }
    }

    class Disk:
        free = 0

    disk = Disk()
    real = faults.shutil.disk_usage
    monkeypatch.setattr(
        faults.shutil, "disk_usage", lambda path: real(path)._replace(free=disk.free)
    )
    return disk


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_sqlite_saying_disk_io_error_on_a_full_disk_is_a_full_disk(sqlite_disk, capsys):
    from lantai.cli import guarded

    def opens_the_database():
        raise OperationalError("disk I/O error")

    assert guarded(opens_the_database) == DISK_FULL_EXIT
    err = capsys.readouterr().err
    assert err.startswith("磁盘已满：数据库文件") and "lantai.sqlite3" in err
    assert "Traceback" not in err


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_disk_io_error_with_space_left_is_not_called_a_full_disk(sqlite_disk, capsys):
    from lantai.cli import guarded

    sqlite_disk.free = 10 * 1024**3

    def opens_the_database():
        raise OperationalError("disk I/O error")

    assert guarded(opens_the_database) == 70
    assert "内部错误" in capsys.readouterr().err
