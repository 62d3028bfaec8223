"""Base class for ``lantai`` commands: Chinese-friendly errors and no tracebacks for users.

A :class:`CommandError` prints ``错误：…`` and exits with its code; anything unexpected is logged
with its traceback to ``LANTAI_DATA_DIR/logs/lantai.log`` and the user gets one line pointing
there. Every command runs as the audit actor ``cli:<os user>``.
"""

from __future__ import annotations

import getpass
import logging
import sys
import traceback
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.dispatch import Signal

from lantai.audit.context import set_actor
from lantai.faults import DISK_FULL_EXIT, causes, disk_full, out_of_space, summary

log = logging.getLogger("lantai")

# Sent around every command's work (sender: the command's class; ``short_lived``: see
# LantaiCommand). Apps above this base subscribe: the search app applies a short command's
# index changes when it finishes, so this base imports nothing of search.
command_starting = Signal()
command_finished = Signal()


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class LantaiCommand(BaseCommand):
    requires_system_checks: list = []
    # A short-lived command finishes its side work (the search index) itself before it exits;
    # the long-running ones (serve, worker, demo) leave it to the task worker.
    short_lived = True

    def run_from_argv(self, argv: list[str]) -> None:
        # Django's own version prints "CommandError: …"; ours prints "错误：…" and logs crashes.
        self._called_from_command_line = True
        set_actor(f"cli:{os_user()}")
        parser = self.create_parser(argv[0], argv[1])
        options = vars(parser.parse_args(argv[2:]))
        args = options.pop("args", ())
        command = type(self)
        try:
            command_starting.send(sender=command, short_lived=self.short_lived)
            self.execute(*args, **options)
            command_finished.send(sender=command, short_lived=self.short_lived)
        except CommandError as error:
            sys.stderr.write(f"错误：{error}\n")
            sys.exit(error.returncode)
        except KeyboardInterrupt:
            sys.stderr.write("已中断\n")
            sys.exit(130)
        except SystemExit:
            raise
        except Exception as error:
            sys.exit(report_failure(error, "命令"))
        finally:
            connections.close_all()


def report_failure(error: Exception, what: str) -> int:
    """One line for an unexpected failure of ``what`` (a command, a start-up step), the
    traceback in the crash log; the exit code: 75 for a full disk, 70 otherwise."""
    logfile = write_crash_log()
    if disk_full(error) or database_out_of_space(error):
        sys.stderr.write(disk_full_message(error) + "\n")
        return DISK_FULL_EXIT
    where = f"详情已写入 {logfile}" if logfile else f"（{type(error).__name__}：{summary(error)}）"
    sys.stderr.write(f"内部错误：{what}未能完成，{where}\n")
    return 70


def write_crash_log() -> str | None:
    """Append the current traceback to ``logs/lantai.log``; the file's path, or None when it
    cannot be written (a full or read-only disk). Never raises: it runs while handling a
    failure, and its own failure must not replace the message the user gets."""
    try:
        settings.LOG_DIR.mkdir(parents=True, exist_ok=True)
        logfile = settings.LOG_DIR / "lantai.log"
        with logfile.open("a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc() + "\n")
    except Exception:
        return None
    return str(logfile)


DATABASE_MODULES = ("django.db", "sqlite3", "psycopg")


def sqlite_out_of_space() -> bool:
    """The embedded database's disk has (almost) no space left."""
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        return False
    return out_of_space(Path(database["NAME"]).parent)


def database_out_of_space(error: BaseException) -> bool:
    """A database error (any wording: SQLite says "disk I/O error" on a disk full to the last
    byte) while the embedded database's disk is out of space."""
    from_database = any(type(c).__module__.startswith(DATABASE_MODULES) for c in causes(error))
    return from_database and sqlite_out_of_space()


def _database_place() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"数据库文件 {database['NAME']}"
    return f"PostgreSQL 数据库 {database.get('NAME', '')}（{database.get('HOST') or 'localhost'}）"


def disk_full_message(error: BaseException) -> str:
    """One line for a command stopped by a full disk: which disk, that nothing was half-done,
    what to do. A database error names the database; a file error names its path."""
    filename = next(
        (c.filename for c in causes(error) if isinstance(c, OSError) and c.filename), None
    )
    if filename:
        place = f"文件 {filename} 所在磁盘"
    elif any(type(c).__module__.startswith(DATABASE_MODULES) for c in causes(error)):
        place = f"{_database_place()} 所在磁盘"
    else:
        place = "磁盘"
    return (
        f"磁盘已满：{place}没有剩余空间，命令未能完成（{summary(error)}）。"
        "请释放空间或扩容后重新运行同一命令"
    )
